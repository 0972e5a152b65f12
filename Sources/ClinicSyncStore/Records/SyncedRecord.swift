import ClinicSyncCore
import GRDB

/// A record type stored in a synchronised table.
protocol SyncedRecord: FetchableRecord, PersistableRecord, Sendable {
    static var syncedTable: SyncedTable { get }
    var id: String { get }
}

extension AppointmentRecord: SyncedRecord {
    static var syncedTable: SyncedTable { .appointments }
}

extension PrescriptionRecord: SyncedRecord {
    static var syncedTable: SyncedTable { .prescriptions }
}

extension CoverageCheckRecord: SyncedRecord {
    static var syncedTable: SyncedTable { .coverageChecks }
}

extension SiteStore {
    /// Inserts a new row; the capture triggers record every field.
    func insert<Record: SyncedRecord>(_ record: Record, id: RowID, check: (Database) throws -> Void) throws(StoreError) {
        try write { transaction in
            let db = transaction.db
            guard try !RowHistory.isDeleted(db, table: Record.syncedTable, rowID: id.rawValue) else {
                throw StoreError.rowDeleted(table: Record.syncedTable, id: id)
            }
            guard try !Record.exists(db, key: id.rawValue) else {
                throw StoreError.alreadyExists(table: Record.syncedTable, id: id)
            }
            try check(db)
            try record.insert(db)
        }
    }

    /// Reads a row, lets `change` produce the fields' values before and after, and writes only the
    /// columns whose value changed: the others keep their stored spelling and their version, so a
    /// concurrent edit of them elsewhere is not overwritten. Returns the row as stored afterwards.
    func update<Record: SyncedRecord>(
        _ type: Record.Type, id: RowID,
        change: (Record, Database) throws -> (before: [SyncedColumn: FieldValue], after: [SyncedColumn: FieldValue])
    ) throws(StoreError) -> Record {
        try write { transaction in
            let db = transaction.db
            let current = try existing(type, id: id, in: db)
            let (before, after) = try change(current, db)
            let changed = Record.syncedTable.columns.filter { before[$0] != after[$0] }
            if !changed.isEmpty {
                let assignments = changed.map { "\($0.name) = ?" }.joined(separator: ", ")
                let values = changed.map { after[$0]?.databaseValue ?? .null } + [id.rawValue.databaseValue]
                try db.execute(
                    sql: "UPDATE \(Record.databaseTableName) SET \(assignments) WHERE id = ?",
                    arguments: StatementArguments(values))
            }
            return try existing(type, id: id, in: db)
        }
    }

    /// Deletes a row; the delete is final at every site.
    func delete<Record: SyncedRecord>(_ type: Record.Type, id: RowID, check: (Database) throws -> Void) throws(StoreError) {
        try write { transaction in
            _ = try existing(type, id: id, in: transaction.db)
            try check(transaction.db)
            _ = try Record.deleteOne(transaction.db, key: id.rawValue)
        }
    }

    /// All rows of a table, ordered by `order`.
    func all<Record: SyncedRecord>(_ type: Record.Type, orderedBy order: String) throws(StoreError) -> [Record] {
        try read { db in try Record.fetchAll(db, sql: "SELECT * FROM \(Record.databaseTableName) ORDER BY \(order)") }
    }

    /// One row, or `nil` if it does not exist.
    func one<Record: SyncedRecord>(_ type: Record.Type, id: RowID) throws(StoreError) -> Record? {
        try read { db in try Record.fetchOne(db, key: id.rawValue) }
    }

    private func existing<Record: SyncedRecord>(_ type: Record.Type, id: RowID, in db: Database) throws -> Record {
        if let record = try Record.fetchOne(db, key: id.rawValue) { return record }
        if try RowHistory.isDeleted(db, table: Record.syncedTable, rowID: id.rawValue) {
            throw StoreError.rowDeleted(table: Record.syncedTable, id: id)
        }
        throw StoreError.notFound(table: Record.syncedTable, id: id)
    }
}

enum StoredRow {
    /// Reads a stored row as its domain value; a failure names the stored row, not the caller's input.
    static func decode<Value>(
        _ table: SyncedTable, id: RowID, _ body: () throws(ValidationError) -> Value
    ) throws(StoreError) -> Value {
        do { return try body() } catch { throw .storedRowUnreadable(table: table, id: id, reason: error) }
    }
}
