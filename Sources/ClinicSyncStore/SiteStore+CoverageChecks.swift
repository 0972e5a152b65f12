package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Validates and stores a new coverage check.
    package func addCoverageCheck(_ check: CoverageCheck) throws(StoreError) {
        do { try check.validate() } catch { throw .invalid(error) }
        try insert(CoverageCheckRecord(check), id: check.id) { _ in }
    }

    /// Applies `change` to a stored check, validates the result, and stores the changed fields.
    @discardableResult
    package func updateCoverageCheck(
        id: RowID, _ change: @escaping (inout CoverageCheck) throws(ValidationError) -> Void
    ) throws(StoreError) -> CoverageCheckRecord {
        try update(CoverageCheckRecord.self, id: id) { record, _ in
            var check = try StoredRow.decode(.coverageChecks, id: id) { () throws(ValidationError) in try record.coverageCheck() }
            let before = check.fieldValues
            try change(&check)
            try check.validate()
            return (before, check.fieldValues)
        }
    }

    /// Deletes a coverage check at every site (a wrong entry; a superseded one stays as history).
    package func deleteCoverageCheck(id: RowID) throws(StoreError) {
        try delete(CoverageCheckRecord.self, id: id) { _ in }
    }

    /// Coverage checks, of one patient if `patientID` is given: by patient, payer, then the newest
    /// call first (the one in force leads its patient and payer).
    package func coverageChecks(patientID: String? = nil) throws(StoreError) -> [CoverageCheckRecord] {
        try read { db in
            let filter = patientID == nil ? "" : "WHERE patient_id = ?"
            return try CoverageCheckRecord.fetchAll(
                db, sql: "SELECT * FROM coverage_checks \(filter) ORDER BY patient_id, payer, checked_on DESC, id DESC",
                arguments: StatementArguments(patientID.map { [$0] } ?? []))
        }
    }

    /// One coverage check, or `nil`.
    package func coverageCheck(id: RowID) throws(StoreError) -> CoverageCheckRecord? {
        try one(CoverageCheckRecord.self, id: id)
    }
}
