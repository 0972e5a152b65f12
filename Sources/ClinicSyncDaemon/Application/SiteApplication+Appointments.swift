package import ClinicSyncCore
import ClinicSyncStore

extension SiteApplication {
    /// Books `appointment`; returns its id. `force`: write even though the site's clock runs ahead
    /// (see ``openStoreForRecordWrites(force:)``).
    /// The alerts the booking raises given what this site holds are returned as warnings (it is
    /// booked regardless: offline, a site cannot know everything); `strict` refuses it instead.
    package func addAppointment(_ appointment: Appointment, force: Bool, strict: Bool = false) throws(ApplicationError) -> BookingResult {
        let store = try openStoreForRecordWrites(force: force)
        let raised = try classifyingErrors { try store.addAppointment(appointment, screen: configuration.alerts.bookingScreen(strict: strict)) }
        return BookingResult(id: appointment.id.rawValue, warnings: raised.map(AlertView.init))
    }

    /// Applies `change` to appointment `id`, validates the result and stores the changed fields;
    /// warns of (or, `strict`, refuses) the alerts the change raises, as ``addAppointment(_:force:strict:)``.
    package func updateAppointment(
        id: RowID, force: Bool, strict: Bool = false, _ change: @escaping (inout Appointment) throws(ValidationError) -> Void
    ) throws(ApplicationError) -> (appointment: AppointmentView, warnings: [AlertView]) {
        let store = try openStoreForRecordWrites(force: force)
        return try classifyingErrors {
            let (record, raised) = try store.updateAppointment(id: id, screen: configuration.alerts.bookingScreen(strict: strict), change)
            return (AppointmentView(record), raised.map(AlertView.init))
        }
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
