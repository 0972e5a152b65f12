import ClinicSyncCore
import GRDB

/// A stamped entry of the change log with its local sequence number.
public struct ChangeLogEntry: Hashable, Sendable {
    /// Position in this site's log; increases with every captured or received change.
    public let seq: Int64
    /// The change itself.
    public let change: Change

    static let columns = "seq, tbl, row_id, col, value, hlc, origin, base_hlc, base_origin"

    /// Decodes a row selected with ``columns``.
    init(row: Row) throws {
        seq = row["seq"]
        change = try Self.change(from: row)
    }

    static func change(from row: Row) throws -> Change {
        let tableName: String = row["tbl"]
        guard let table = SyncedTable(rawValue: tableName) else {
            throw ValidationError(field: "tbl", rule: "unknown table in the change log")
        }
        let operation: Change.Operation
        if let columnName = row["col"] as String? {
            guard let column = table.column(named: columnName) else {
                throw ValidationError(field: "col", rule: "unknown column of \(table) in the change log")
            }
            operation = .set(column: column, value: FieldValue(row["value"] as DatabaseValue))
        } else {
            operation = .delete
        }
        let base = row["base_hlc"] as Int64? == nil
            ? nil : try CellVersions.stamp(from: row, timestamp: "base_hlc", origin: "base_origin")
        return Change(
            table: table, rowID: try RowID(row["row_id"]), operation: operation,
            stamp: try CellVersions.stamp(from: row), base: base)
    }
}

extension SiteStore {
    /// Stamped change-log entries after `seq`, oldest first, at most `limit`.
    public func changes(after seq: Int64 = 0, limit: Int = .max) throws(StoreError) -> [ChangeLogEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(ChangeLogEntry.columns) FROM change_log
                WHERE seq > ? AND hlc IS NOT NULL ORDER BY seq LIMIT ?
                """, arguments: [seq, limit]).map(ChangeLogEntry.init(row:))
        }
    }

    /// The number of entries in the change log.
    public func changeLogCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0 }
    }
}
