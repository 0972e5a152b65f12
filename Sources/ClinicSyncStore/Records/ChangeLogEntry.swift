package import ClinicSyncCore
import GRDB

/// Reads change-log rows (selected with ``columns``) as ``Change`` values.
///
/// Knowledge vectors repeat across entries (every write between two merges shares one), so the
/// decoder keeps the vectors it has parsed.
struct ChangeLogDecoder {
    private static let names =
        ["origin", "seq", "hlc", "tbl", "row_id", "cols", "seen", "base_hlc", "base_origin"]
        + (0..<SyncedColumn.maximumPerTable).map { "v\($0)" }
    /// The columns of an entry, in the order ``Change/logArguments(knowledgeText:)`` binds them.
    static let columns = names.joined(separator: ", ")
    /// ``columns`` of the log aliased as `c`, for joins.
    static let aliasedColumns = names.map { "c." + $0 }.joined(separator: ", ")
    /// `?, ?, ...`, one per column.
    static let placeholders = names.map { _ in "?" }.joined(separator: ", ")

    private var vectors: [String: VersionVector] = [:]
    private var origins: [String: SiteID] = [:]

    mutating func change(from row: Row) throws -> Change {
        let code: Int = row["tbl"]
        guard let table = SyncedTable(code: code) else {
            throw ValidationError(field: "tbl", rule: "unknown table number \(code) in the change log (database damaged?)")
        }
        let mask: Int = row["cols"]
        let operation: Change.Operation
        if mask == 0 {
            operation = .delete
        } else {
            var values: [ColumnValue] = []
            for column in table.columns where mask & (1 << column.position) != 0 {
                values.append(
                    ColumnValue(column, FieldValue(row[Self.names.count - SyncedColumn.maximumPerTable + column.position] as DatabaseValue)))
            }
            operation = .write(values)
        }
        let knowledge: Knowledge
        if let seen = row["seen"] as String? {
            if let cached = vectors[seen] {
                knowledge = .vector(cached)
            } else {
                let vector = try VersionVector(text: seen)
                vectors[seen] = vector
                knowledge = .vector(vector)
            }
        } else if let baseHLC = row["base_hlc"] as Int64?, let baseOrigin = row["base_origin"] as String? {
            knowledge = .legacyBase(WriteStamp(try Self.timestamp(baseHLC), try origin(baseOrigin)))
        } else {
            knowledge = .legacyBase(nil)
        }
        return Change(
            table: table, rowID: try RowID(row["row_id"]), operation: operation, origin: try origin(row["origin"]),
            sequence: row["seq"], timestamp: try Self.timestamp(row["hlc"]), knowledge: knowledge)
    }

    private mutating func origin(_ text: String) throws -> SiteID {
        if let known = origins[text] { return known }
        let site = try SiteID(text)
        origins[text] = site
        return site
    }

    static func timestamp(_ raw: Int64) throws -> HybridTimestamp {
        guard let timestamp = HybridTimestamp(rawValue: raw) else {
            throw ValidationError(field: "hlc", rule: "stored timestamp is negative (database damaged?)")
        }
        return timestamp
    }
}

extension Change {
    /// The arguments of an `INSERT INTO change_log (<ChangeLogDecoder.columns>)`; `knowledgeText`
    /// is the knowledge vector's text when the caller has it already.
    func logArguments(knowledgeText: String? = nil) -> StatementArguments {
        var slots = [DatabaseValue](repeating: .null, count: SyncedColumn.maximumPerTable)
        var mask = 0
        for entry in values {
            slots[entry.column.position] = entry.value.databaseValue
            mask |= 1 << entry.column.position
        }
        let seen: DatabaseValue
        let baseHLC: DatabaseValue
        let baseOrigin: DatabaseValue
        switch knowledge {
        case let .vector(vector):
            (seen, baseHLC, baseOrigin) = ((knowledgeText ?? vector.text).databaseValue, .null, .null)
        case let .legacyBase(base):
            (seen, baseHLC, baseOrigin) = (.null, base?.timestamp.rawValue.databaseValue ?? .null, base?.origin.rawValue.databaseValue ?? .null)
        }
        var arguments: [DatabaseValue] = [
            origin.rawValue.databaseValue, sequence.databaseValue, timestamp.rawValue.databaseValue, table.code.databaseValue,
            rowID.rawValue.databaseValue, mask.databaseValue, seen, baseHLC, baseOrigin,
        ]
        arguments.append(contentsOf: slots)
        return StatementArguments(arguments)
    }
}

extension SiteStore {
    /// Change-log entries in timestamp order (then origin), optionally of one origin and above a
    /// sequence number, at most `limit`.
    package func changes(origin: SiteID? = nil, after sequence: Int64 = .min, limit: Int = .max) throws(StoreError) -> [Change] {
        try read { db in
            var decoder = ChangeLogDecoder()
            let filter = origin == nil ? "seq > ?" : "origin = ? AND seq > ?"
            let arguments: StatementArguments = origin.map { [$0.rawValue, sequence] } ?? [sequence]
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE \(filter) ORDER BY hlc, origin, seq LIMIT ?
                    """, arguments: arguments + [limit]
            ).map { try decoder.change(from: $0) }
        }
    }

    /// The number of entries in the change log.
    package func changeLogCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0 }
    }
}
