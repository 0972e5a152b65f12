import ClinicSyncCore
import GRDB

/// An entry of the conflict journal: a field value discarded by a write made without knowledge of it.
public struct ConflictEntry: Hashable, Sendable {
    public let table: SyncedTable
    public let rowID: RowID
    public let column: SyncedColumn
    /// The value that lost, and its version.
    public let loserValue: FieldValue
    public let loserStamp: WriteStamp
    /// The write that beat it: a field value, or the row's delete.
    public let winnerStamp: WriteStamp
    public let winnerDeleted: Bool
    public let winnerValue: FieldValue

    init(row: Row) throws {
        let change = try ChangeLogEntry.change(from: Row([
            "tbl": row["tbl"], "row_id": row["row_id"], "col": row["col"], "value": row["loser_value"],
            "hlc": row["loser_hlc"], "origin": row["loser_origin"],
        ]))
        table = change.table
        rowID = change.rowID
        column = change.column!
        loserValue = change.value!
        loserStamp = change.stamp
        winnerStamp = try CellVersions.stamp(from: row, timestamp: "winner_hlc", origin: "winner_origin")
        winnerDeleted = row["winner_deleted"]
        winnerValue = FieldValue(row["winner_value"] as DatabaseValue)
    }
}

extension SiteStore {
    /// The conflict journal in a canonical order (table, row, column, loser version).
    public func conflicts() throws(StoreError) -> [ConflictEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conflicts ORDER BY tbl, row_id, col, loser_hlc, loser_origin")
                .map(ConflictEntry.init(row:))
        }
    }

    /// The number of entries in the conflict journal.
    public func conflictCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflicts") ?? 0 }
    }
}
