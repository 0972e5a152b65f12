/// A configuration problem, naming the file, the key and what was expected.
enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingKey(path: String, key: String, expected: String)
    case unknownKey(path: String, key: String, known: [String])
    case invalidValue(path: String, key: String, expected: String)

    var description: String {
        switch self {
        case let .fileNotFound(path):
            return "configuration file \(path) does not exist (set --config or CLINICSYNC_CONFIG)"
        case let .unreadable(path, reason):
            return "cannot read configuration file \(path): \(reason)"
        case let .malformed(path, reason):
            return "configuration file \(path) is not valid YAML: \(reason)"
        case let .missingKey(path, key, expected):
            return "configuration file \(path) lacks required key '\(key)' (expected \(expected))"
        case let .unknownKey(path, key, known):
            return "configuration file \(path) has unknown key '\(key)' (known keys: \(known.joined(separator: ", ")))"
        case let .invalidValue(path, key, expected):
            return "configuration key '\(key)' in \(path) is invalid: expected \(expected)"
        }
    }
}
