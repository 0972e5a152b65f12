import ClinicSyncCore
import GRDB

/// Applies one remote change inside the merge transaction, following ``MergeRules``.
///
/// Every statement is prepared once per connection (GRDB's statement cache); table and column
/// names come from ``SyncedColumn`` constants, values are always bound parameters.
struct MergeApplier {
    let db: Database
    var decoder = ChangeLogDecoder()

    init(db: Database) {
        self.db = db
    }

    enum Outcome {
        /// New to this site: logged, journaled and merged.
        case applied(conflicts: Int)
        /// Already in the log (same origin and sequence number): ignored.
        case duplicate
    }

    mutating func apply(_ change: Change) throws -> Outcome {
        let exists = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM change_log WHERE origin = ? AND seq = ?)"),
            arguments: [change.origin.rawValue, change.sequence]) ?? false
        if exists { return .duplicate }
        let history = try RowHistory.load(db, table: change.table, rowID: change.rowID.rawValue, decoder: &decoder)
        let records = MergeRules.conflicts(of: change, with: history.changes)
        for record in records { try journal(record) }
        try db.cachedStatement(sql: "INSERT INTO change_log (\(ChangeLogDecoder.columns)) VALUES (\(ChangeLogDecoder.placeholders))")
            .execute(arguments: change.logArguments)
        try RowIndex.add(db, change)
        switch change.operation {
        case .delete:
            try db.cachedStatement(sql: "DELETE FROM \(change.table.rawValue) WHERE id = ?").execute(arguments: [change.rowID.rawValue])
        case let .write(values):
            guard !history.isDeleted else { break }
            let winning = values.filter { entry in history.version(of: entry.column).map { change.stamp > $0 } ?? true }
            guard !winning.isEmpty else { break }
            let names = winning.map(\.column.name)
            try db.cachedStatement(sql: """
                INSERT INTO \(change.table.rawValue) (id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))
                ON CONFLICT (id) DO UPDATE SET \(names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                """).execute(arguments: StatementArguments([change.rowID.rawValue.databaseValue] + winning.map(\.value.databaseValue)))
        }
        return .applied(conflicts: records.count)
    }

    /// Records a conflict; for a value already journaled, keeps the winner with the smaller stamp
    /// (``ConflictRecord/preferred(over:)``), so the entry is the same whatever the arrival order.
    private func journal(_ record: ConflictRecord) throws {
        let loser = record.loser
        let winner = record.winner
        try db.cachedStatement(sql: """
            INSERT INTO conflicts (tbl, row_id, col, loser_origin, loser_seq, loser_hlc, loser_value,
                                   winner_origin, winner_seq, winner_hlc, winner_deleted, winner_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (loser_origin, loser_seq, col) DO UPDATE SET
                winner_origin = excluded.winner_origin, winner_seq = excluded.winner_seq,
                winner_hlc = excluded.winner_hlc, winner_deleted = excluded.winner_deleted,
                winner_value = excluded.winner_value
            WHERE (excluded.winner_hlc, excluded.winner_origin) < (conflicts.winner_hlc, conflicts.winner_origin)
            """).execute(arguments: [
                loser.table.rawValue, loser.rowID.rawValue, record.column.name, loser.origin.rawValue, loser.sequence,
                loser.timestamp.rawValue, record.loserValue.databaseValue, winner.origin.rawValue, winner.sequence,
                winner.timestamp.rawValue, winner.isDelete, record.winnerValue?.databaseValue ?? .null,
            ])
    }
}
