import Foundation

extension DecodingError {
    /// Where decoding failed and why, without quoting values (they may be patient data).
    var briefDescription: String {
        func path(_ context: Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch self {
        case let .typeMismatch(type, context): return "\(path(context)) should be \(type)"
        case let .valueNotFound(type, context): return "\(path(context)) is missing a \(type)"
        case let .keyNotFound(key, context): return "\(path(context)).\(key.stringValue) is missing"
        case let .dataCorrupted(context): return "not valid JSON at \(path(context).isEmpty ? "the top level" : path(context))"
        @unknown default: return "unreadable"
        }
    }
}
