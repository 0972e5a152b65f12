import Foundation
import Yams

/// A YAML configuration file flattened to dotted keys (`site.id`), with environment overrides.
///
/// Every key must be declared: a key the program does not know is reported (a typo in a clinic's
/// config must not be silently ignored). Any scalar key can be overridden by an environment variable
/// named `CLINICSYNC_` plus the key in upper case with dots as underscores (`CLINICSYNC_SITE_ID`).
struct ConfigDocument {
    /// A declared key and a description of the value it takes, used in error messages.
    struct Key {
        let path: String
        let expected: String
    }

    let path: String
    private var scalars: [String: String] = [:]
    private var lists: [String: [[String: String]]] = [:]

    init(path: String, keys: [Key], listKeys: [String: [Key]], environment: [String: String]) throws(ConfigError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw .malformed(path: path, reason: String(describing: error))
        }
        let known = keys.map(\.path) + listKeys.keys.sorted()
        if let root {
            guard root.mapping != nil else { throw .malformed(path: path, reason: "the top level must be a mapping of keys") }
            try flatten(root, prefix: "", known: known, listKeys: listKeys)
        }
        for key in keys {
            let variable = "CLINICSYNC_" + key.path.uppercased().replacingOccurrences(of: ".", with: "_")
            if let value = environment[variable] { scalars[key.path] = value }
        }
    }

    private mutating func flatten(_ node: Node, prefix: String, known: [String], listKeys: [String: [Key]]) throws(ConfigError) {
        guard let mapping = node.mapping else { return }
        for (keyNode, value) in mapping {
            guard let name = keyNode.string else { throw .malformed(path: path, reason: "a key is not a string") }
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            if let itemKeys = listKeys[key] {
                lists[key] = try listItems(value, key: key, itemKeys: itemKeys)
            } else if value.mapping != nil, known.contains(where: { $0.hasPrefix(key + ".") }) {
                try flatten(value, prefix: key, known: known, listKeys: listKeys)
            } else if known.contains(key), let scalar = value.scalar {
                scalars[key] = scalar.string
            } else if known.contains(key) {
                throw .invalidValue(path: path, key: key, expected: "a single value, not a list or mapping")
            } else {
                throw .unknownKey(path: path, key: key, known: known)
            }
        }
    }

    private func listItems(_ node: Node, key: String, itemKeys: [Key]) throws(ConfigError) -> [[String: String]] {
        if node.null != nil { return [] }
        guard let sequence = node.sequence else {
            throw .invalidValue(path: path, key: key, expected: "a list of entries with " + itemKeys.map(\.path).joined(separator: ", "))
        }
        var items: [[String: String]] = []
        for (index, element) in sequence.enumerated() {
            guard let mapping = element.mapping else {
                throw .invalidValue(path: path, key: "\(key)[\(index)]", expected: "a mapping with " + itemKeys.map(\.path).joined(separator: ", "))
            }
            var item: [String: String] = [:]
            for (keyNode, value) in mapping {
                let name = keyNode.string ?? ""
                guard itemKeys.contains(where: { $0.path == name }) else {
                    throw .unknownKey(path: path, key: "\(key)[\(index)].\(name)", known: itemKeys.map { "\(key)[].\($0.path)" })
                }
                guard let scalar = value.scalar else {
                    throw .invalidValue(path: path, key: "\(key)[\(index)].\(name)", expected: "a single value")
                }
                item[name] = scalar.string
            }
            items.append(item)
        }
        return items
    }

    /// The value of a scalar key (after environment overrides), or `nil` if absent.
    func string(_ key: Key) -> String? {
        scalars[key.path].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The value of a key that must be present.
    func required(_ key: Key) throws(ConfigError) -> String {
        guard let value = string(key) else { throw .missingKey(path: path, key: key.path, expected: key.expected) }
        return value
    }

    /// A whole number in `range`, or `defaultValue` when the key is absent.
    func integer(_ key: Key, in range: ClosedRange<Int>, default defaultValue: Int) throws(ConfigError) -> Int {
        guard let text = string(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(path: path, key: key.path, expected: key.expected)
        }
        return value
    }

    /// A boolean (`true`/`false`), or `defaultValue` when absent.
    func bool(_ key: Key, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let text = string(key) else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw .invalidValue(path: path, key: key.path, expected: key.expected)
        }
    }

    /// The entries of a list key (empty when absent).
    func list(_ key: String) -> [[String: String]] { lists[key] ?? [] }

    /// A path from the file, resolved against the configuration file's directory when relative.
    func resolvedPath(_ value: String) -> String {
        guard !value.hasPrefix("/") else { return value }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        return directory.appendingPathComponent(value).standardizedFileURL.path
    }
}
