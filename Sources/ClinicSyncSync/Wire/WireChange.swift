import ClinicSyncCore

/// A change as it travels between sites.
public struct WireChange: Codable, Hashable, Sendable {
    public var table: String
    public var row_id: String
    /// `set` or `delete`.
    public var op: String
    public var column: String?
    public var value: WireValue?
    public var hlc: Int64
    public var origin: String
    public var base_hlc: Int64?
    public var base_origin: String?

    enum CodingKeys: String, CodingKey {
        case table, row_id, op, column, value, hlc, origin, base_hlc, base_origin
    }

    // `value` may be JSON null (a field set to NULL), which must not read as an absent value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        table = try container.decode(String.self, forKey: .table)
        row_id = try container.decode(String.self, forKey: .row_id)
        op = try container.decode(String.self, forKey: .op)
        column = try container.decodeIfPresent(String.self, forKey: .column)
        value = container.contains(.value) ? try container.decode(WireValue.self, forKey: .value) : nil
        hlc = try container.decode(Int64.self, forKey: .hlc)
        origin = try container.decode(String.self, forKey: .origin)
        base_hlc = try container.decodeIfPresent(Int64.self, forKey: .base_hlc)
        base_origin = try container.decodeIfPresent(String.self, forKey: .base_origin)
    }

    /// The wire form of a change.
    public init(_ change: Change) {
        table = change.table.rawValue
        row_id = change.rowID.rawValue
        op = change.isDelete ? "delete" : "set"
        column = change.column?.name
        value = change.value.map(WireValue.init)
        hlc = change.stamp.timestamp.rawValue
        origin = change.stamp.origin.rawValue
        base_hlc = change.base?.timestamp.rawValue
        base_origin = change.base?.origin.rawValue
    }

    /// The domain change, or an error naming the first field that is wrong. Table and column names
    /// are matched against the schema's constants and never used as SQL.
    public func change() throws(ValidationError) -> Change {
        guard let table = SyncedTable(rawValue: table) else {
            throw ValidationError(field: "table", rule: "unknown table (expected appointments or prescriptions)")
        }
        let rowID = try RowID(row_id, field: "row_id")
        let operation: Change.Operation
        switch op {
        case "set":
            guard let name = column, let column = table.column(named: name) else {
                throw ValidationError(field: "column", rule: "not a synchronised column of \(table)")
            }
            guard let value else { throw ValidationError(field: "value", rule: "a set needs a value (null allowed)") }
            operation = .set(column: column, value: value.fieldValue)
        case "delete":
            guard column == nil, value == nil else {
                throw ValidationError(field: "column", rule: "a delete carries no column or value")
            }
            operation = .delete
        default:
            throw ValidationError(field: "op", rule: "must be set or delete")
        }
        let change = Change(
            table: table, rowID: rowID, operation: operation,
            stamp: try Self.stamp(hlc, origin, field: "hlc"), base: try base())
        try change.validate()
        return change
    }

    private func base() throws(ValidationError) -> WriteStamp? {
        switch (base_hlc, base_origin) {
        case (nil, nil): return nil
        case let (hlc?, origin?): return try Self.stamp(hlc, origin, field: "base_hlc")
        default: throw ValidationError(field: "base_hlc", rule: "base_hlc and base_origin go together")
        }
    }

    private static func stamp(_ raw: Int64, _ origin: String, field: String) throws(ValidationError) -> WriteStamp {
        guard let timestamp = HybridTimestamp(rawValue: raw), timestamp > .zero else {
            throw ValidationError(field: field, rule: "must be a positive hybrid-logical-clock value")
        }
        return WriteStamp(timestamp, try SiteID(origin))
    }
}

/// A field value on the wire: JSON null, an integer or a string.
public enum WireValue: Codable, Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)

    init(_ value: FieldValue) {
        switch value {
        case .null: self = .null
        case let .integer(number): self = .integer(number)
        case let .text(text): self = .text(text)
        }
    }

    var fieldValue: FieldValue {
        switch self {
        case .null: return .null
        case let .integer(number): return .integer(number)
        case let .text(text): return .text(text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .integer(number): try container.encode(number)
        case let .text(text): try container.encode(text)
        }
    }
}

extension VersionVector {
    /// The wire form: origin site id to raw timestamp.
    public var wire: [String: Int64] {
        Dictionary(uniqueKeysWithValues: watermarks.map { ($0.key.rawValue, $0.value.rawValue) })
    }

    /// Reads a vector from the wire, refusing malformed site ids or timestamps.
    public init(wire: [String: Int64]) throws(ValidationError) {
        var watermarks: [SiteID: HybridTimestamp] = [:]
        for (origin, raw) in wire {
            guard let timestamp = HybridTimestamp(rawValue: raw) else {
                throw ValidationError(field: "vector", rule: "timestamps must not be negative")
            }
            watermarks[try SiteID(origin)] = timestamp
        }
        self.init(watermarks)
    }
}
