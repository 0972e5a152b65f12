package import ClinicSyncCore

/// A change as it travels between sites: one row write (its changed columns) or a delete.
package struct WireChange: Codable, Hashable, Sendable {
    package var table: String
    package var row_id: String
    /// `write` or `delete`.
    package var op: String
    /// For a write: the changed columns and their values (JSON null for a field set to NULL).
    package var values: [String: WireValue]?
    package var origin: String
    package var seq: Int64
    package var hlc: Int64
    /// What the origin held of other sites when it made the change (absent for a migrated version-1 change).
    package var seen: [String: Int64]?
    /// For a migrated version-1 change: the version of the value it replaced.
    package var base_hlc: Int64?
    package var base_origin: String?

    /// The wire form of a change.
    package init(_ change: Change) {
        table = change.table.rawValue
        row_id = change.rowID.rawValue
        op = change.isDelete ? "delete" : "write"
        values = change.isDelete ? nil : Dictionary(uniqueKeysWithValues: change.values.map { ($0.column.name, WireValue($0.value)) })
        origin = change.origin.rawValue
        seq = change.sequence
        hlc = change.timestamp.rawValue
        switch change.knowledge {
        case let .vector(vector):
            seen = vector.wire
        case let .legacyBase(base):
            base_hlc = base?.timestamp.rawValue
            base_origin = base?.origin.rawValue
        }
    }

    /// The domain change, or an error naming the first field that is wrong. Table and column names
    /// are matched against the schema's constants and never used as SQL.
    package func change() throws(ValidationError) -> Change {
        guard let table = SyncedTable(rawValue: table) else {
            throw ValidationError(field: "table", rule: "unknown table (expected appointments or prescriptions)")
        }
        let rowID = try RowID(row_id, field: "row_id")
        let operation: Change.Operation
        switch op {
        case "write":
            guard let values, !values.isEmpty else { throw ValidationError(field: "values", rule: "a write needs at least one column") }
            var columns: [ColumnValue] = []
            for (name, value) in values {
                guard let column = table.column(named: name) else {
                    throw ValidationError(field: "values", rule: "not a synchronised column of \(table)")
                }
                columns.append(ColumnValue(column, value.fieldValue))
            }
            operation = .write(columns.sorted { $0.column.position < $1.column.position })
        case "delete":
            guard values == nil else { throw ValidationError(field: "values", rule: "a delete carries no values") }
            operation = .delete
        default:
            throw ValidationError(field: "op", rule: "must be write or delete")
        }
        guard let timestamp = HybridTimestamp(rawValue: hlc), timestamp > .zero else {
            throw ValidationError(field: "hlc", rule: "must be a positive hybrid-logical-clock value")
        }
        let origin = try SiteID(origin)
        let knowledge: Knowledge
        switch (seen, base_hlc, base_origin) {
        case let (seen?, nil, nil):
            knowledge = .vector(try VersionVector(wire: seen))
        case (nil, nil, nil):
            knowledge = .legacyBase(nil)
        case let (nil, hlc?, origin?):
            guard let base = HybridTimestamp(rawValue: hlc), base > .zero else {
                throw ValidationError(field: "base_hlc", rule: "must be a positive hybrid-logical-clock value")
            }
            knowledge = .legacyBase(WriteStamp(base, try SiteID(origin)))
        default:
            throw ValidationError(field: "seen", rule: "a change carries either seen or base_hlc with base_origin")
        }
        let change = Change(
            table: table, rowID: rowID, operation: operation, origin: origin, sequence: seq, timestamp: timestamp,
            knowledge: knowledge)
        try change.validate()
        return change
    }
}

/// A field value on the wire: JSON null, an integer or a string.
package enum WireValue: Codable, Hashable, Sendable {
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

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int64.self) {
            self = .integer(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .integer(number): try container.encode(number)
        case let .text(text): try container.encode(text)
        }
    }
}

extension VersionVector {
    /// The wire form: origin site id to sequence number.
    package var wire: [String: Int64] {
        Dictionary(uniqueKeysWithValues: sequences.map { ($0.key.rawValue, $0.value) })
    }

    /// Reads a vector from the wire, refusing malformed site ids.
    package init(wire: [String: Int64]) throws(ValidationError) {
        var sequences: [SiteID: Int64] = [:]
        for (origin, sequence) in wire { sequences[try SiteID(origin)] = sequence }
        self.init(sequences)
    }
}

extension FleetReport {
    /// The wire form of a report.
    package var wire: WireMessage.Report {
        WireMessage.Report(
            site: site.rawValue, vector: vector.wire, peers: peers.map(\.rawValue), at: at.rawValue, max_drift_ms: maximumDrift?.value,
            incarnation: incarnation?.rawValue)
    }

    /// Reads a report from the wire, refusing malformed site ids or timestamps.
    package init(wire: WireMessage.Report) throws(ValidationError) {
        guard let at = HybridTimestamp(rawValue: wire.at) else {
            throw ValidationError(field: "fleet.at", rule: "must be a hybrid-logical-clock value")
        }
        self.init(
            site: try SiteID(wire.site), vector: try VersionVector(wire: wire.vector),
            peers: try wire.peers.map { text throws(ValidationError) in try SiteID(text) }, at: at,
            maximumDrift: try wire.max_drift_ms.map { value throws(ValidationError) in
                guard (60_000...86_400_000).contains(value) else {
                    throw ValidationError(field: "fleet.max_drift_ms", rule: "must be between 60000 (one minute) and 86400000 (one day)")
                }
                return Milliseconds(value)
            },
            incarnation: try wire.incarnation.map { text throws(ValidationError) in try Incarnation(text) })
    }
}

extension HeldOrigin {
    /// The wire form of a held origin.
    package var wire: WireMessage.Held {
        switch reason {
        case let .ahead(aheadBy, bound):
            return WireMessage.Held(origin: origin.rawValue, seq: sequence, ahead_ms: aheadBy.value, bound_ms: bound.value, invalid: nil)
        case let .invalid(rule):
            return WireMessage.Held(origin: origin.rawValue, seq: sequence, ahead_ms: nil, bound_ms: nil, invalid: rule)
        }
    }

    /// Reads a held origin from the wire, refusing a malformed site id or a missing reason.
    package init(wire: WireMessage.Held) throws(ValidationError) {
        let reason: Reason
        if let ahead = wire.ahead_ms, let bound = wire.bound_ms {
            reason = .ahead(aheadBy: Milliseconds(ahead), bound: Milliseconds(bound))
        } else if let rule = wire.invalid {
            // A peer's own words: kept short and printable before they reach logs and terminals.
            reason = .invalid(String(String(rule.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(200)))
        } else {
            throw ValidationError(field: "held.reason", rule: "needs ahead_ms and bound_ms, or invalid")
        }
        self.init(origin: try SiteID(wire.origin), sequence: wire.seq, reason: reason)
    }
}
