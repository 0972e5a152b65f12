import ClinicSyncCore
import GRDB

/// Applies one remote change inside the merge transaction, following ``MergeRules``.
///
/// Every statement is prepared once per connection (GRDB's statement cache); table and column
/// names come from ``SyncedColumn`` constants, values are always bound parameters.
struct MergeApplier {
    let db: Database
    var decoder = ChangeLogDecoder()
    /// Statements prepared once per connection (each prepare compiles the capture triggers too) and
    /// looked up once per batch: a batch runs thousands of changes through the same few.
    private let history: Statement
    private let log: Statement
    private let index: Statement
    private let tombstone: Statement
    private var upserts: [Int: Statement] = [:]
    private var deletes: [Int: Statement] = [:]
    /// The text of the knowledge vector most recently logged: consecutive changes of an origin share one.
    private var lastKnowledge: (vector: VersionVector, text: String)?

    init(db: Database) throws {
        self.db = db
        history = try db.cachedStatement(sql: RowHistory.selectSQL)
        // A change already logged (same origin and number) is left as it is and reported a duplicate.
        log = try db.cachedStatement(
            sql: """
                INSERT INTO change_log (\(ChangeLogDecoder.columns)) VALUES (\(ChangeLogDecoder.placeholders))
                ON CONFLICT (origin, seq) DO NOTHING
                """)
        index = try db.cachedStatement(sql: "INSERT OR IGNORE INTO row_entries (tbl, row_id, origin, seq) VALUES (?, ?, ?, ?)")
        tombstone = try db.cachedStatement(sql: "INSERT OR IGNORE INTO tombstones (tbl, row_id) VALUES (?, ?)")
    }

    enum Outcome {
        /// New to this site: logged, journaled and merged.
        case applied(conflicts: Int)
        /// Already in the log (same origin and sequence number): ignored.
        case duplicate
    }

    mutating func apply(_ change: Change) throws -> Outcome {
        let origin = change.origin.rawValue
        let rowID = change.rowID.rawValue
        // Logged first, which answers whether it is new without a lookup of its own: the row's
        // history is read through the row index, which gets the entry only below.
        try log.execute(arguments: change.logArguments(knowledgeText: knowledgeText(change)))
        guard db.changesCount > 0 else { return .duplicate }
        let history = try RowHistory.load(using: history, table: change.table, rowID: rowID, decoder: &decoder)
        let records = MergeRules.conflicts(of: change, with: history.changes)
        for record in records { try journal(record) }
        try index.execute(arguments: [change.table.code, rowID, origin, change.sequence])
        switch change.operation {
        case .delete:
            try tombstone.execute(arguments: [change.table.code, rowID])
            try deleteStatement(change.table).execute(arguments: [rowID])
        case let .write(values):
            guard !history.isDeleted else { break }
            let winning = values.filter { entry in history.current(entry.column).map { change.order > $0.order } ?? true }
                .sorted { $0.column.position < $1.column.position }
            guard !winning.isEmpty else { break }
            var arguments: [DatabaseValue] = [rowID.databaseValue]
            arguments.reserveCapacity(winning.count + 1)
            for entry in winning { arguments.append(entry.value.databaseValue) }
            try upsertStatement(change.table, winning.map(\.column)).execute(arguments: StatementArguments(arguments))
        }
        return .applied(conflicts: records.count)
    }

    private mutating func knowledgeText(_ change: Change) -> String? {
        guard case let .vector(vector) = change.knowledge else { return nil }
        if let last = lastKnowledge, last.vector == vector { return last.text }
        lastKnowledge = (vector, vector.text)
        return vector.text
    }

    /// The upsert of `columns` (in column order) into `table`, prepared once per column set.
    private mutating func upsertStatement(_ table: SyncedTable, _ columns: [SyncedColumn]) throws -> Statement {
        let key = columns.reduce(table.code << SyncedColumn.maximumPerTable) { $0 | 1 << $1.position }
        if let prepared = upserts[key] { return prepared }
        let names = columns.map(\.name)
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO \(table.rawValue) (id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))
                ON CONFLICT (id) DO UPDATE SET \(names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                """)
        upserts[key] = statement
        return statement
    }

    private mutating func deleteStatement(_ table: SyncedTable) throws -> Statement {
        if let prepared = deletes[table.code] { return prepared }
        let statement = try db.cachedStatement(sql: "DELETE FROM \(table.rawValue) WHERE id = ?")
        deletes[table.code] = statement
        return statement
    }

    /// Records a conflict; for a value already journaled, keeps the winner earlier in ``ChangeOrder``
    /// (``ConflictRecord/preferred(over:)``), so the entry is the same whatever the arrival order.
    private func journal(_ record: ConflictRecord) throws {
        let loser = record.loser
        let winner = record.winner
        try db.cachedStatement(
            sql: """
                INSERT INTO conflicts (tbl, row_id, col, loser_origin, loser_seq, loser_hlc, loser_value,
                                       winner_origin, winner_seq, winner_hlc, winner_deleted, winner_value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (loser_origin, loser_seq, col) DO UPDATE SET
                    winner_origin = excluded.winner_origin, winner_seq = excluded.winner_seq,
                    winner_hlc = excluded.winner_hlc, winner_deleted = excluded.winner_deleted,
                    winner_value = excluded.winner_value
                WHERE (excluded.winner_hlc, excluded.winner_origin, excluded.winner_seq)
                    < (conflicts.winner_hlc, conflicts.winner_origin, conflicts.winner_seq)
                """
        ).execute(arguments: [
            loser.table.rawValue, loser.rowID.rawValue, record.column.name, loser.origin.rawValue, loser.sequence,
            loser.timestamp.rawValue, record.loserValue.databaseValue, winner.origin.rawValue, winner.sequence,
            winner.timestamp.rawValue, winner.isDelete, record.winnerValue?.databaseValue ?? .null,
        ])
    }
}
