package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Validates and stores a new appointment, including its link to a prescription.
    package func addAppointment(_ appointment: Appointment) throws(StoreError) {
        do { try appointment.validate() } catch { throw .invalid(error) }
        try insert(AppointmentRecord(appointment), id: appointment.id) { db in
            try Self.checkPrescriptionLink(of: appointment, in: db)
        }
    }

    /// Applies `change` to a stored appointment, validates the result, and stores the changed fields.
    @discardableResult
    package func updateAppointment(
        id: RowID, _ change: @escaping (inout Appointment) throws(ValidationError) -> Void
    ) throws(StoreError) -> AppointmentRecord {
        try update(AppointmentRecord.self, id: id) { record, db in
            var appointment = try StoredRow.decode(.appointments, id: id) { () throws(ValidationError) in try record.appointment() }
            let before = appointment.fieldValues
            let previousPrescription = appointment.prescriptionID
            try change(&appointment)
            try appointment.validate()
            if appointment.prescriptionID != previousPrescription || appointment.patientID != record.patientID {
                try Self.checkPrescriptionLink(of: appointment, in: db)
            }
            return (before, appointment.fieldValues)
        }
    }

    /// Deletes an appointment at every site.
    package func deleteAppointment(id: RowID) throws(StoreError) {
        try delete(AppointmentRecord.self, id: id) { _ in }
    }

    /// All appointments, by start time.
    package func appointments() throws(StoreError) -> [AppointmentRecord] {
        try all(AppointmentRecord.self, orderedBy: "starts_at, id")
    }

    /// One appointment, or `nil`.
    package func appointment(id: RowID) throws(StoreError) -> AppointmentRecord? {
        try one(AppointmentRecord.self, id: id)
    }

    private static func checkPrescriptionLink(of appointment: Appointment, in db: Database) throws {
        guard let prescriptionID = appointment.prescriptionID else { return }
        let prescription = try PrescriptionRecord.fetchOne(db, key: prescriptionID.rawValue)?.prescription()
        try appointment.validateLink(to: prescription)
    }
}
