package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Validates and stores a new appointment, including its link to a prescription; with a
    /// `screen`, returns the alerts it raises (or, strict, refuses it when it would raise any).
    @discardableResult
    package func addAppointment(_ appointment: Appointment, screen: BookingScreen? = nil) throws(StoreError) -> [CoverageAlert] {
        do { try appointment.validate() } catch { throw .invalid(error) }
        var raised: [CoverageAlert] = []
        try insert(AppointmentRecord(appointment), id: appointment.id) { db in
            try Self.checkPrescriptionLink(of: appointment, in: db)
            if let screen { raised = try screen.newAlerts(appointment, in: db) }
        }
        return raised
    }

    /// Applies `change` to a stored appointment, validates the result, and stores the changed fields.
    @discardableResult
    package func updateAppointment(
        id: RowID, _ change: @escaping (inout Appointment) throws(ValidationError) -> Void
    ) throws(StoreError) -> AppointmentRecord {
        try updateAppointment(id: id, screen: nil, change).record
    }

    /// ``updateAppointment(id:_:)`` with a `screen`: also returns the alerts the change raises
    /// (or, strict, refuses it when it would raise any).
    package func updateAppointment(
        id: RowID, screen: BookingScreen?, _ change: @escaping (inout Appointment) throws(ValidationError) -> Void
    ) throws(StoreError) -> (record: AppointmentRecord, alerts: [CoverageAlert]) {
        var raised: [CoverageAlert] = []
        let record = try update(AppointmentRecord.self, id: id) { record, db in
            var appointment = try StoredRow.decode(.appointments, id: id) { () throws(ValidationError) in try record.appointment() }
            let before = appointment.fieldValues
            let previousPrescription = appointment.prescriptionID
            try change(&appointment)
            try appointment.validate()
            if appointment.prescriptionID != previousPrescription || appointment.patientID != record.patientID {
                try Self.checkPrescriptionLink(of: appointment, in: db)
            }
            if let screen { raised = try screen.newAlerts(appointment, in: db) }
            return (before, appointment.fieldValues)
        }
        return (record, raised)
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
