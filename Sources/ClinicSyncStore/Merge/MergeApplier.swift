import ClinicSyncCore
import GRDB

/// Applies one remote change inside the merge transaction, following ``MergeRules``.
///
/// Every statement is prepared once per connection (GRDB's statement cache); table and column
/// names come from ``SyncedColumn`` constants, values are always bound parameters.
struct MergeApplier {
    let db: Database

    enum Outcome {
        /// New to this site: logged, journaled and merged.
        case applied(conflicts: Int)
        /// Already in the log (same origin and timestamp): ignored.
        case duplicate
    }

    func apply(_ change: Change) throws -> Outcome {
        guard try appendToLog(change) else { return .duplicate }
        let records = MergeRules.conflicts(of: change, with: try heldChanges(relatedTo: change))
        for record in records { try journal(record) }
        switch change.operation {
        case let .set(column, value):
            let current = try CellVersions.version(db, table: change.table.rawValue, rowID: change.rowID.rawValue, column: column.name)
            if MergeRules.replaces(change.stamp, current: current) {
                try CellVersions.set(db, table: change.table.rawValue, rowID: change.rowID.rawValue, column: column.name, to: change.stamp)
                if try !Tombstones.contains(db, table: change.table.rawValue, rowID: change.rowID.rawValue) {
                    try db.cachedStatement(sql: """
                        INSERT INTO \(change.table.rawValue) (id, \(column.name)) VALUES (?, ?)
                        ON CONFLICT (id) DO UPDATE SET \(column.name) = excluded.\(column.name)
                        """).execute(arguments: [change.rowID.rawValue, value.databaseValue])
                }
            }
        case .delete:
            try Tombstones.record(db, table: change.table.rawValue, rowID: change.rowID.rawValue, stamp: change.stamp)
            try db.cachedStatement(sql: "DELETE FROM \(change.table.rawValue) WHERE id = ?")
                .execute(arguments: [change.rowID.rawValue])
        }
        return .applied(conflicts: records.count)
    }

    /// Inserts the change into the log; `false` if the log holds it already.
    private func appendToLog(_ change: Change) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO change_log (tbl, row_id, col, value, hlc, origin, base_hlc, base_origin)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                change.table.rawValue, change.rowID.rawValue, change.column?.name, change.value?.databaseValue,
                change.stamp.timestamp.rawValue, change.stamp.origin.rawValue,
                change.base?.timestamp.rawValue, change.base?.origin.rawValue,
            ])
        return db.changesCount > 0
    }

    /// The held changes that can conflict with `change`: for a field write, writes of the same field
    /// its base does not cover and the row's deletes; for a delete, field writes its base does not cover.
    private func heldChanges(relatedTo change: Change) throws -> [Change] {
        let since = change.base?.timestamp.rawValue ?? 0
        let rows: [Row]
        if let column = change.column {
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(ChangeLogEntry.columns) FROM change_log
                WHERE tbl = ? AND row_id = ? AND col = ? AND hlc >= ?
                UNION ALL
                SELECT \(ChangeLogEntry.columns) FROM change_log
                WHERE tbl = ? AND row_id = ? AND col IS NULL AND hlc IS NOT NULL
                """), arguments: [
                    change.table.rawValue, change.rowID.rawValue, column.name, since,
                    change.table.rawValue, change.rowID.rawValue,
                ])
        } else {
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(ChangeLogEntry.columns) FROM change_log
                WHERE tbl = ? AND row_id = ? AND col IS NOT NULL AND hlc >= ?
                """), arguments: [change.table.rawValue, change.rowID.rawValue, since])
        }
        return try rows.map(ChangeLogEntry.change(from:))
    }

    /// Records a conflict; for a loser already journaled, keeps the winner with the smaller stamp
    /// (``ConflictRecord/preferred(over:)``), so the entry is the same whatever the arrival order.
    private func journal(_ record: ConflictRecord) throws {
        let loser = record.loser
        let winner = record.winner
        try db.cachedStatement(sql: """
            INSERT INTO conflicts (tbl, row_id, col, loser_hlc, loser_origin, loser_value,
                                   winner_hlc, winner_origin, winner_deleted, winner_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tbl, row_id, col, loser_hlc, loser_origin) DO UPDATE SET
                winner_hlc = excluded.winner_hlc, winner_origin = excluded.winner_origin,
                winner_deleted = excluded.winner_deleted, winner_value = excluded.winner_value
            WHERE (excluded.winner_hlc, excluded.winner_origin) < (conflicts.winner_hlc, conflicts.winner_origin)
            """).execute(arguments: [
                loser.table.rawValue, loser.rowID.rawValue, loser.column?.name, loser.stamp.timestamp.rawValue,
                loser.stamp.origin.rawValue, loser.value?.databaseValue, winner.stamp.timestamp.rawValue,
                winner.stamp.origin.rawValue, winner.isDelete, winner.value?.databaseValue,
            ])
    }
}
