package import ClinicSyncCore
import GRDB

/// A row of `conflict_reviews` as stored.
package struct ConflictReviewRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "conflict_reviews"

    package var id: String
    package var entryID: String?
    package var decision: String?
    package var reviewedBy: String?
    package var site: String?
    package var reviewedAt: String?
    package var note: String?

    package enum CodingKeys: String, CodingKey {
        case id, decision, site, note
        case entryID = "entry_id"
        case reviewedBy = "reviewed_by"
        case reviewedAt = "reviewed_at"
    }

    package init(_ review: ConflictReview) {
        id = review.id.rawValue
        entryID = review.entryID
        decision = review.decision.rawValue
        reviewedBy = review.reviewedBy
        site = review.site.rawValue
        reviewedAt = review.reviewedAt.description
        note = review.note
    }
}

extension ConflictReviewRecord: SyncedRecord {
    static var syncedTable: SyncedTable { .conflictReviews }
}

extension SiteStore {
    /// Every review, the earliest first.
    package func conflictReviews() throws(StoreError) -> [ConflictReviewRecord] {
        try read { db in try ConflictReviewRecord.fetchAll(db, sql: "SELECT * FROM conflict_reviews ORDER BY reviewed_at, id") }
    }

    /// Settles the journal entry of the losing change `loser` (origin and number) in `column`: with
    /// `value`, writes it to the entry's field as an ordinary change (the row as a whole is checked
    /// by the domain rules, as any write), and records `review`, in one transaction.
    package func resolveConflict(
        loser: (origin: SiteID, sequence: Int64), column: String, writing value: FieldValue?, review: ConflictReview
    ) throws(StoreError) {
        do { try review.validate() } catch { throw .invalid(error) }
        try write { transaction in
            let db = transaction.db
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM conflicts WHERE loser_origin = ? AND loser_seq = ? AND col = ?",
                    arguments: [loser.origin.rawValue, loser.sequence, column])
            else { throw StoreError.invalid(ValidationError(field: "entry_id", rule: "no such entry in this site's conflict journal")) }
            let entry = try ConflictEntry(row: row)
            if let given = value {
                guard entry.column.accepts(given) else {
                    throw StoreError.invalid(ValidationError(field: column, rule: "value must be \(entry.column.expectedValue)"))
                }
                let value: FieldValue
                do throws(ValidationError) { value = try entry.column.canonicalGiven(given) } catch { throw StoreError.invalid(error) }
                let table = entry.table.rawValue
                guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [entry.rowID.rawValue]) == true
                else {
                    let deleted = try RowHistory.isDeleted(db, table: entry.table, rowID: entry.rowID.rawValue)
                    throw deleted
                        ? StoreError.rowDeleted(table: entry.table, id: entry.rowID) : StoreError.notFound(table: entry.table, id: entry.rowID)
                }
                // A prescription's new frequency must be a rule; what it held is compared, not judged.
                let previous = entry.table == .prescriptions ? try? PrescriptionRecord.fetchOne(db, key: entry.rowID.rawValue)?.prescription() : nil
                try db.execute(
                    sql: "UPDATE \(table) SET \(entry.column.name) = ? WHERE id = ?", arguments: [value.databaseValue, entry.rowID.rawValue])
                try Self.checkRow(entry.table, id: entry.rowID, in: db, previousPrescription: previous)
            }
            try ConflictReviewRecord(review).insert(db)
        }
    }

    /// Checks a row by the domain rules after a field was written directly.
    private static func checkRow(_ table: SyncedTable, id: RowID, in db: Database, previousPrescription: Prescription?) throws {
        switch table {
        case .appointments:
            guard let appointment = try AppointmentRecord.fetchOne(db, key: id.rawValue)?.appointment() else { return }
            try appointment.validate()
            let prescription = try appointment.prescriptionID.flatMap { try PrescriptionRecord.fetchOne(db, key: $0.rawValue)?.prescription() }
            try appointment.validateLink(to: appointment.prescriptionID == nil ? nil : prescription)
        case .prescriptions:
            try PrescriptionRecord.fetchOne(db, key: id.rawValue)?.prescription().validateWrite(replacing: previousPrescription)
        case .coverageChecks:
            try CoverageCheckRecord.fetchOne(db, key: id.rawValue)?.coverageCheck().validate()
        case .alertAcknowledgements, .conflictReviews:
            break
        }
    }
}
