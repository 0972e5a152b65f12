import ClinicSyncCore
import GRDB

extension FieldValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case let .integer(value): return value.databaseValue
        case let .text(value): return value.databaseValue
        }
    }

    /// Reads a stored value; REAL and BLOB never occur in synchronised columns (the tables are STRICT).
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(number): self = .integer(number)
        case let .string(text): self = .text(text)
        case let .double(number): self = .text(String(number))
        case let .blob(data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
