package import ClinicSyncCore
import ClinicSyncStore

extension SiteApplication {
    /// Books `appointment`; returns its id. `force`: write even though the site's clock runs ahead
    /// (see ``openStoreForRecordWrites(force:)``).
    package func addAppointment(_ appointment: Appointment, force: Bool) throws(ApplicationError) -> RowID {
        let store = try openStoreForRecordWrites(force: force)
        try classifyingErrors { try store.addAppointment(appointment) }
        return appointment.id
    }

    /// Applies `change` to appointment `id`, validates the result and stores the changed fields.
    package func updateAppointment(
        id: RowID, force: Bool, _ change: @escaping (inout Appointment) throws(ValidationError) -> Void
    ) throws(ApplicationError) -> AppointmentView {
        let store = try openStoreForRecordWrites(force: force)
        return try classifyingErrors { AppointmentView(try store.updateAppointment(id: id, change)) }
    }

    /// Deletes appointment `id` at every site.
    package func deleteAppointment(id: RowID, force: Bool) throws(ApplicationError) {
        let store = try openStoreForRecordWrites(force: force)
        try classifyingErrors { try store.deleteAppointment(id: id) }
    }

    /// Every appointment, by start time.
    package func appointments() throws(ApplicationError) -> [AppointmentView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { try store.appointments().map(AppointmentView.init) }
    }

    /// Appointment `id`.
    package func appointment(id: RowID) throws(ApplicationError) -> AppointmentView {
        let store = try openStoreReadOnly()
        guard let record = try classifyingErrors({ try store.appointment(id: id) }) else {
            throw ApplicationError(.notFound, "no appointment with id \(id)")
        }
        return AppointmentView(record)
    }
}
