package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Validates and stores a new prescription.
    package func addPrescription(_ prescription: Prescription) throws(StoreError) {
        try addPrescription(prescription, keeping: nil)
    }

    /// Stores a prescription whose values are `kept`'s where they match (a restored row keeps the
    /// frequency text it had, rule or not: it is not new).
    func addPrescription(_ prescription: Prescription, keeping kept: Prescription?) throws(StoreError) {
        do { try prescription.validateWrite(replacing: kept) } catch { throw .invalid(error) }
        try insert(PrescriptionRecord(prescription), id: prescription.id) { _ in }
    }

    /// Applies `change` to a stored prescription, validates the result, and stores the changed fields.
    @discardableResult
    package func updatePrescription(
        id: RowID, _ change: @escaping (inout Prescription) throws(ValidationError) -> Void
    ) throws(StoreError) -> PrescriptionRecord {
        try update(PrescriptionRecord.self, id: id) { record, _ in
            var prescription = try StoredRow.decode(.prescriptions, id: id) { () throws(ValidationError) in try record.prescription() }
            let previous = prescription
            try change(&prescription)
            try prescription.validateWrite(replacing: previous)
            return (previous.fieldValues, prescription.fieldValues)
        }
    }

    /// Deletes a prescription at every site; refused while appointments here still refer to it.
    package func deletePrescription(id: RowID) throws(StoreError) {
        try delete(PrescriptionRecord.self, id: id) { db in
            let references =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM appointments WHERE prescription_id = ?", arguments: [id.rawValue]) ?? 0
            guard references == 0 else {
                throw StoreError.stillReferenced(table: .prescriptions, id: id, references: references)
            }
        }
    }

    /// All prescriptions, by expiry date.
    package func prescriptions() throws(StoreError) -> [PrescriptionRecord] {
        try all(PrescriptionRecord.self, orderedBy: "expires_on, id")
    }

    /// One prescription, or `nil`.
    package func prescription(id: RowID) throws(StoreError) -> PrescriptionRecord? {
        try one(PrescriptionRecord.self, id: id)
    }

    /// Visits booked against a prescription at any site (cancelled and no-show visits excluded).
    package func visitsUsed(prescriptionID: RowID) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM appointments
                    WHERE prescription_id = ? AND status NOT IN ('cancelled', 'no_show')
                    """, arguments: [prescriptionID.rawValue]) ?? 0
        }
    }
}
