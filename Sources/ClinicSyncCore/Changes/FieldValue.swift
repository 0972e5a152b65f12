/// A value carried by a change: SQLite's NULL, INTEGER or TEXT.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case text(String)

    /// The text, if this is a text value.
    public var text: String? {
        if case let .text(value) = self { return value }
        return nil
    }

    /// The integer, if this is an integer value.
    public var integer: Int64? {
        if case let .integer(value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .null: return "NULL"
        case let .integer(value): return String(value)
        case let .text(value): return value
        }
    }
}
