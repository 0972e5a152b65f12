package import ClinicSyncCore
import GRDB

/// How a snapshot reads calendar days and what "today" is: the caller's clock and time zone.
package struct CoverageCalendar: Sendable {
    package var today: CalendarDate
    package var expiryWarningDays: Int
    /// The clinic's calendar day of a moment.
    package var dayOf: @Sendable (UTCDateTime) -> CalendarDate

    package init(today: CalendarDate, expiryWarningDays: Int, dayOf: @escaping @Sendable (UTCDateTime) -> CalendarDate) {
        self.today = today
        self.expiryWarningDays = expiryWarningDays
        self.dayOf = dayOf
    }
}

extension SiteStore {
    /// The merged tables the coverage rules read, in one read transaction so that usage and alerts
    /// see one state. A row that cannot be read yet (a field whose change has not arrived, or a
    /// malformed value another program wrote) is left out and counted in `unreadableRows`: it
    /// takes part once it is complete, at every site alike.
    package func coverageSnapshot(_ calendar: CoverageCalendar) throws(StoreError) -> (snapshot: CoverageSnapshot, unreadableRows: Int) {
        try read { db in try Self.coverageSnapshot(db, calendar) }
    }

    /// The snapshot in `db`; with `around`, only the rows an alert about that appointment can
    /// involve: visits of its patient, its therapist or its prescription, the prescriptions those
    /// visits name and the patient's checks.
    static func coverageSnapshot(
        _ db: Database, _ calendar: CoverageCalendar, around appointment: Appointment? = nil
    ) throws -> (snapshot: CoverageSnapshot, unreadableRows: Int) {
        var unreadable = 0
        func readable<Record, Value>(_ records: [Record], _ decode: (Record) throws(ValidationError) -> Value) -> [Value] {
            records.compactMap { record in
                do { return try decode(record) } catch {
                    unreadable += 1
                    return nil
                }
            }
        }
        var appointmentRecords = try AppointmentRecord.fetchAll(db)
        var prescriptionRecords = try PrescriptionRecord.fetchAll(db)
        var checkRecords = try CoverageCheckRecord.fetchAll(db)
        if let appointment {
            let therapist = personKey(appointment.therapist)
            appointmentRecords.removeAll { record in
                record.patientID != appointment.patientID && record.prescriptionID != appointment.prescriptionID?.rawValue
                    && record.therapist.map(personKey) != therapist
            }
            let named = Set(appointmentRecords.compactMap(\.prescriptionID) + [appointment.prescriptionID?.rawValue].compactMap { $0 })
            prescriptionRecords.removeAll { !named.contains($0.id) && $0.patientID != appointment.patientID }
            checkRecords.removeAll { $0.patientID != appointment.patientID }
        }
        let appointments = readable(appointmentRecords) { record throws(ValidationError) in try record.appointment() }
        let snapshot = CoverageSnapshot(
            visits: appointments.map { CoverageSnapshot.Visit($0, date: calendar.dayOf($0.startsAt)) },
            prescriptions: readable(prescriptionRecords) { record throws(ValidationError) in try record.prescription() },
            checks: readable(checkRecords) { record throws(ValidationError) in try record.coverageCheck() },
            acknowledgedAlertIDs: Set(try String.fetchAll(db, sql: "SELECT alert_id FROM alert_acknowledgements WHERE alert_id IS NOT NULL")),
            today: calendar.today, expiryWarningDays: calendar.expiryWarningDays)
        return (snapshot, unreadable)
    }
}

/// What a booking is screened with: the alerts it would raise given what the site holds, found
/// in the transaction that writes it (so the check and the write see one state).
package struct BookingScreen: Sendable {
    package var calendar: CoverageCalendar
    package var identity: AlertIdentity
    /// Refuse the write when it would raise an alert, instead of writing it and warning.
    package var strict: Bool

    package init(calendar: CoverageCalendar, identity: AlertIdentity, strict: Bool) {
        self.calendar = calendar
        self.identity = identity
        self.strict = strict
    }

    /// The alerts `appointment` (new, or replacing its stored version) raises that are not raised
    /// without it; throws ``StoreError/bookingRaisesAlerts(_:)`` when strict and there are some.
    func newAlerts(_ appointment: Appointment, in db: Database) throws -> [CoverageAlert] {
        let before = try SiteStore.coverageSnapshot(db, calendar, around: appointment).snapshot
        var after = before
        after.visits.removeAll { $0.id == appointment.id }
        after.visits.append(CoverageSnapshot.Visit(appointment, date: calendar.dayOf(appointment.startsAt)))
        let existing = Set(CoverageRules(before).alerts(identity: identity).map(\.id))
        let raised = CoverageRules(after).alerts(identity: identity).filter { !existing.contains($0.id) && !$0.acknowledged }
        if strict, !raised.isEmpty { throw StoreError.bookingRaisesAlerts(raised.map { "\($0.kind.rawValue): \($0.message)" }) }
        return raised
    }
}
