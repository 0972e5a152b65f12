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

    /// The part of the snapshot a prescription's usage reads: it, the visits linked to it and its patient's checks.
    package func coverageSnapshot(
        _ calendar: CoverageCalendar, prescriptionID: RowID
    ) throws(StoreError) -> (snapshot: CoverageSnapshot, unreadableRows: Int) {
        try read { db in try Self.coverageSnapshot(db, calendar, prescriptionID: prescriptionID) }
    }

    /// The snapshot in `db`; with `around`, only the rows an alert about that appointment can
    /// involve: visits of its patient, its therapist or its prescription, the prescriptions those
    /// visits name and the patient's checks.
    static func coverageSnapshot(
        _ db: Database, _ calendar: CoverageCalendar, around appointment: Appointment? = nil, prescriptionID: RowID? = nil
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
        let appointmentRecords: [AppointmentRecord]
        let prescriptionRecords: [PrescriptionRecord]
        let checkRecords: [CoverageCheckRecord]
        if let appointment {
            // The therapist's other visits: names are compared as the rules compare them, so the
            // column is read alone and folded here, and only the matching rows are read whole.
            let therapist = foldedName(appointment.therapist)
            let colleagues = try Row.fetchAll(db, sql: "SELECT id, therapist FROM appointments WHERE therapist IS NOT NULL")
                .filter { foldedName($0["therapist"]) == therapist }.map { $0["id"] as String }
            appointmentRecords =
                try AppointmentRecord.fetchAll(
                    db, sql: "SELECT * FROM appointments WHERE patient_id = ? OR prescription_id = ?",
                    arguments: [appointment.patientID, appointment.prescriptionID?.rawValue])
                + AppointmentRecord.fetchAll(db, keys: colleagues)
            let named = Set(appointmentRecords.compactMap(\.prescriptionID) + [appointment.prescriptionID?.rawValue].compactMap { $0 })
            prescriptionRecords =
                try PrescriptionRecord.fetchAll(
                    db, sql: "SELECT * FROM prescriptions WHERE patient_id = ?", arguments: [appointment.patientID])
                + PrescriptionRecord.fetchAll(db, keys: Array(named))
            checkRecords = try CoverageCheckRecord.fetchAll(
                db, sql: "SELECT * FROM coverage_checks WHERE patient_id = ?", arguments: [appointment.patientID])
        } else if let prescriptionID {
            appointmentRecords = try AppointmentRecord.fetchAll(
                db, sql: "SELECT * FROM appointments WHERE prescription_id = ?", arguments: [prescriptionID.rawValue])
            prescriptionRecords = try PrescriptionRecord.fetchAll(db, keys: [prescriptionID.rawValue])
            // The patient's checks: whether the letter of medical necessity is required today.
            checkRecords = try CoverageCheckRecord.fetchAll(
                db, sql: "SELECT * FROM coverage_checks WHERE patient_id = (SELECT patient_id FROM prescriptions WHERE id = ?)",
                arguments: [prescriptionID.rawValue])
        } else {
            (appointmentRecords, prescriptionRecords, checkRecords) =
                (try AppointmentRecord.fetchAll(db), try PrescriptionRecord.fetchAll(db), try CoverageCheckRecord.fetchAll(db))
        }
        // Rows are checked by the domain rules as well as read: a value another program or site
        // wrote outside them (minutes of -30) must not reach the rules.
        var seen: Set<String> = []
        let appointments = readable(appointmentRecords.filter { seen.insert("a" + $0.id).inserted }) { record throws(ValidationError) in
            let appointment = try record.appointment()
            try appointment.validate()
            return appointment
        }
        let snapshot = CoverageSnapshot(
            visits: appointments.map { CoverageSnapshot.Visit($0, date: calendar.dayOf($0.startsAt)) },
            prescriptions: readable(prescriptionRecords.filter { seen.insert("p" + $0.id).inserted }) { record throws(ValidationError) in
                let prescription = try record.prescription()
                try prescription.validate()
                return prescription
            },
            checks: readable(checkRecords) { record throws(ValidationError) in
                let check = try record.coverageCheck()
                try check.validate()
                return check
            },
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
        // A limit (one alert per scope: a prescription, a payer's period, a prescription's week)
        // is this booking's when the booking counts and more visits are beyond it than before,
        // whichever visits the alert names: a visit booked earlier in a full week pushes a later
        // one beyond; a visit rescheduled within it changes only which. Any other alert is this
        // booking's when it names the booking and no alert of the same scope (kind and defining
        // rows: another region is another scope) named the booking with the same other visits
        // before. A cancellation that shrinks an alert, or an edit that leaves one as it was,
        // raises nothing.
        let earlier = CoverageRules(before).alerts(identity: identity)
        let beyondBefore = Dictionary(
            earlier.filter(\.kind.countsAgainstLimit).map { ($0.scope, $0.appointmentIDs.count) }, uniquingKeysWith: max)
        let namingBefore = earlier.filter { $0.appointmentIDs.contains(appointment.id) }
        let counts = CoverageSnapshot.Visit(appointment, date: calendar.dayOf(appointment.startsAt)).counts
        let raised = CoverageRules(after).alerts(identity: identity).filter { alert in
            guard !alert.acknowledged else { return false }
            if alert.kind.countsAgainstLimit { return counts && alert.appointmentIDs.count > beyondBefore[alert.scope] ?? 0 }
            guard alert.appointmentIDs.contains(appointment.id) else { return false }
            let others = Set(alert.appointmentIDs)
            return !namingBefore.contains { $0.scope == alert.scope && others.isSubset(of: $0.appointmentIDs) }
        }
        if strict, !raised.isEmpty { throw StoreError.bookingRaisesAlerts(raised.map { "\($0.kind.rawValue): \($0.message)" }) }
        return raised
    }
}
