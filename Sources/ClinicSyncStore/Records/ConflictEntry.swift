package import ClinicSyncCore
import GRDB

/// An entry of the conflict journal: a field value discarded by a change made without knowledge of it.
package struct ConflictEntry: Hashable, Sendable {
    package let table: SyncedTable
    package let rowID: RowID
    package let column: SyncedColumn
    /// The value that lost, its version and its place in its origin's sequence.
    package let loserValue: FieldValue
    package let loserStamp: WriteStamp
    package let loserSequence: Int64
    /// The change that beat it: a field value, or the row's delete.
    package let winnerStamp: WriteStamp
    package let winnerSequence: Int64
    package let winnerDeleted: Bool
    package let winnerValue: FieldValue

    init(row: Row) throws {
        guard let table = SyncedTable(rawValue: row["tbl"]), let column = table.column(named: row["col"]) else {
            throw ValidationError(field: "conflicts", rule: "unknown table or column in the journal (database damaged?)")
        }
        self.table = table
        self.column = column
        rowID = try RowID(row["row_id"])
        loserValue = FieldValue(row["loser_value"] as DatabaseValue)
        loserStamp = WriteStamp(try ChangeLogDecoder.timestamp(row["loser_hlc"]), try SiteID(row["loser_origin"]))
        loserSequence = row["loser_seq"]
        winnerStamp = WriteStamp(try ChangeLogDecoder.timestamp(row["winner_hlc"]), try SiteID(row["winner_origin"]))
        winnerSequence = row["winner_seq"]
        winnerDeleted = row["winner_deleted"]
        winnerValue = FieldValue(row["winner_value"] as DatabaseValue)
    }
}

extension SiteStore {
    /// The conflict journal in a canonical order (table, row, column, loser version).
    package func conflicts() throws(StoreError) -> [ConflictEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conflicts ORDER BY tbl, row_id, col, loser_hlc, loser_origin, loser_seq")
                .map(ConflictEntry.init(row:))
        }
    }

    /// The number of entries in the conflict journal.
    package func conflictCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflicts") ?? 0 }
    }
}
