import ClinicSyncCore
import GRDB

/// The change-log entries of one row, from which its current versions follow: each field holds
/// the value of the greatest stamp among the entries that write it, and the row is deleted if
/// any entry deletes it.
struct RowHistory {
    let changes: [Change]

    /// Loads the entries of one row through `row_entries` (see ``RowIndex``), plus `unindexed`
    /// entries of it a read-only caller found.
    static func load(
        _ db: Database, table: SyncedTable, rowID: String, decoder: inout ChangeLogDecoder, unindexed: [Change] = []
    ) throws -> RowHistory {
        try load(using: db.cachedStatement(sql: selectSQL), table: table, rowID: rowID, decoder: &decoder, unindexed: unindexed)
    }

    /// Loads with a statement prepared from ``selectSQL`` (a merge prepares it once per batch).
    static func load(
        using statement: Statement, table: SyncedTable, rowID: String, decoder: inout ChangeLogDecoder, unindexed: [Change] = []
    ) throws -> RowHistory {
        var changes: [Change] = []
        let rows = try Row.fetchCursor(statement, arguments: [table.code, rowID])
        while let row = try rows.next() { changes.append(try decoder.change(from: row)) }
        return RowHistory(changes: changes + unindexed)
    }

    /// The entries of the row bound to its two parameters (table number, row id).
    static let selectSQL = """
        SELECT \(ChangeLogDecoder.aliasedColumns) FROM row_entries AS r JOIN change_log AS c ON c.origin = r.origin AND c.seq = r.seq
        WHERE r.tbl = ? AND r.row_id = ?
        """

    /// Whether the row has been deleted.
    static func isDeleted(_ db: Database, table: SyncedTable, rowID: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM tombstones WHERE tbl = ? AND row_id = ?)"),
            arguments: [table.code, rowID]) ?? false
    }

    var isDeleted: Bool { changes.contains { $0.isDelete } }

    /// The entry whose value `column` holds now.
    func current(_ column: SyncedColumn) -> Change? {
        changes.filter { $0.value(of: column) != nil }.max { $0.order < $1.order }
    }
}
