package import ClinicSyncCore
import GRDB

/// The trash: rows that deletes removed, read from the change log (see ``RemovedRow``), so every
/// site that holds the same entries lists the same rows; a removed row can be re-created as a new
/// row, an ordinary write that syncs like any other.
extension SiteStore {
    /// Every removed row, the most recently deleted first.
    package func removedRows() throws(StoreError) -> [RemovedRow] {
        try read { db in
            try Self.removedRows(db).sorted { ($0.delete.order, $0.rowID.rawValue) > ($1.delete.order, $1.rowID.rawValue) }
        }
    }

    /// Every removed row, in table and row-id order.
    static func removedRows(_ db: Database) throws -> [RemovedRow] {
        var decoder = ChangeLogDecoder()
        let unindexed = try RowIndex.unindexed(db, decoder: &decoder)
        var removed: [RemovedRow] = []
        for tombstone in try Row.fetchAll(db, sql: "SELECT tbl, row_id FROM tombstones ORDER BY tbl, row_id") {
            guard let table = SyncedTable(code: tombstone["tbl"]) else { continue }
            let rowID: String = tombstone["row_id"]
            let history = try RowHistory.load(
                db, table: table, rowID: rowID, decoder: &decoder, unindexed: unindexed[RowIndex.key(table.code, rowID)] ?? [])
            if let row = RemovedRow(history: history.changes) { removed.append(row) }
        }
        return removed
    }

    /// The removed row with id `id`, in either table, or `nil`.
    package func removedRow(id: RowID) throws(StoreError) -> RemovedRow? {
        try read { db in
            var decoder = ChangeLogDecoder()
            for table in SyncedTable.allCases where try RowHistory.isDeleted(db, table: table, rowID: id.rawValue) {
                let unindexed = try RowIndex.unindexed(db, decoder: &decoder)[RowIndex.key(table.code, id.rawValue)] ?? []
                let history = try RowHistory.load(db, table: table, rowID: id.rawValue, decoder: &decoder, unindexed: unindexed)
                return RemovedRow(history: history.changes)
            }
            return nil
        }
    }

    /// What a restored appointment's prescription link becomes.
    package enum RestoredLink: Sendable, Equatable {
        /// As it was (refused if that prescription is gone).
        case keep
        /// None.
        case unlink
        /// Another prescription, e.g. the deleted one restored under a new id.
        case to(RowID)
    }

    /// Re-creates the removed row `id` with its last values as a new row with id `newID` (checked
    /// and stored like any new row; an appointment's prescription link as `link` says); returns the
    /// removed row.
    @discardableResult
    package func restoreRemovedRow(id: RowID, as newID: RowID, link: RestoredLink = .keep) throws(StoreError) -> RemovedRow {
        guard let removed = try removedRow(id: id) else { throw .notDeleted(id: id) }
        if [.alertAcknowledgements, .conflictReviews].contains(removed.table) { throw .notRestorable(table: removed.table, id: id) }
        if link != .keep, removed.table != .appointments {
            throw .invalid(ValidationError(field: "prescription", rule: "can be changed only when restoring an appointment"))
        }
        if try read({ db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(removed.table.rawValue) WHERE id = ?)", arguments: [newID.rawValue])
        }) == true {
            throw .alreadyRestored(table: removed.table, id: id, as: newID)
        }
        var columns: [String: DatabaseValue] = ["id": newID.rawValue.databaseValue]
        for (column, value) in removed.values { columns[column.name] = value.databaseValue }
        switch link {
        case .keep: break
        case .unlink: columns["prescription_id"] = .null
        case let .to(prescription): columns["prescription_id"] = prescription.rawValue.databaseValue
        }
        let row = Row(columns)
        switch removed.table {
        case .appointments:
            try addAppointment(
                try Self.complete(removed) { () throws(ValidationError) in
                    try Self.decode(AppointmentRecord.self, row, removed).appointment()
                })
        case .prescriptions:
            let prescription = try Self.complete(removed) { () throws(ValidationError) in
                try Self.decode(PrescriptionRecord.self, row, removed).prescription()
            }
            try addPrescription(prescription, keeping: prescription)
        case .coverageChecks:
            try addCoverageCheck(
                try Self.complete(removed) { () throws(ValidationError) in
                    try Self.decode(CoverageCheckRecord.self, row, removed).coverageCheck()
                })
        case .alertAcknowledgements, .conflictReviews:
            throw .notRestorable(table: removed.table, id: id)
        }
        return removed
    }

    private static func complete<Value>(_ removed: RemovedRow, _ build: () throws(ValidationError) -> Value) throws(StoreError) -> Value {
        do { return try build() } catch { throw .removedRowIncomplete(table: removed.table, id: removed.rowID, reason: error) }
    }

    private static func decode<Record: FetchableRecord>(_ type: Record.Type, _ row: Row, _ removed: RemovedRow) throws(ValidationError) -> Record {
        do { return try Record(row: row) } catch {
            throw ValidationError(field: "values", rule: "a stored value has the wrong type for its column")
        }
    }
}
