/// A value carried by a change: SQLite's NULL, INTEGER or TEXT.
package enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case text(String)

    /// The text, if this is a text value.
    package var text: String? {
        if case let .text(value) = self { return value }
        return nil
    }

    /// The integer, if this is an integer value.
    package var integer: Int64? {
        if case let .integer(value) = self { return value }
        return nil
    }

    package var description: String {
        switch self {
        case .null: return "NULL"
        case let .integer(value): return String(value)
        case let .text(value): return value
        }
    }
}
