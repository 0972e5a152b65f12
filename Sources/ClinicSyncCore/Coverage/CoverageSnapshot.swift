/// What the coverage rules read: the merged tables as one consistent read, and the day it is.
///
/// Usage and alerts are functions of this value alone, so every site holding the same tables
/// computes the same figures and the same alerts, byte for byte. Nothing is counted in a synced
/// counter: two sites booking a patient's last visit while apart would lose one booking to
/// last-writer-wins; counted from the appointments themselves, both are seen.
package struct CoverageSnapshot: Sendable {
    /// An appointment and the calendar day it falls on in the clinics' time zone.
    package struct Visit: Hashable, Sendable {
        package var appointment: Appointment
        package var date: CalendarDate

        package init(_ appointment: Appointment, date: CalendarDate) {
            self.appointment = appointment
            self.date = date
        }

        package var id: RowID { appointment.id }

        /// Whether the visit counts against visit and unit limits: booked, under way or done.
        package var counts: Bool { [.scheduled, .checkedIn, .completed].contains(appointment.status) }

        /// The visit's time, `[start, end)` in seconds.
        var interval: Range<Int> {
            let start = appointment.startsAt.secondsSinceEpoch
            return start..<(start + appointment.minutes * 60)
        }

        /// The order visits are listed and counted in: start time, then id.
        package static func inOrder(_ lhs: Visit, _ rhs: Visit) -> Bool {
            (lhs.appointment.startsAt, lhs.id) < (rhs.appointment.startsAt, rhs.id)
        }
    }

    package var visits: [Visit]
    package var prescriptions: [Prescription]
    package var checks: [CoverageCheck]
    /// The alerts someone acknowledged (at any site).
    package var acknowledgedAlertIDs: Set<String>
    /// Today in the clinics' time zone: expiry warnings and plan-year usage depend on it.
    package var today: CalendarDate
    /// A prescription expiring within this many days, with visits left, raises `expiring_soon`.
    package var expiryWarningDays: Int

    package init(
        visits: [Visit], prescriptions: [Prescription], checks: [CoverageCheck], acknowledgedAlertIDs: Set<String>, today: CalendarDate,
        expiryWarningDays: Int
    ) {
        self.visits = visits
        self.prescriptions = prescriptions
        self.checks = checks
        self.acknowledgedAlertIDs = acknowledgedAlertIDs
        self.today = today
        self.expiryWarningDays = expiryWarningDays
    }
}

/// Names typed by hand at each site ("Aetna" and " aetna", "Sam" and "sam ", "Uptown") compared
/// as one: trimmed and case-folded.
package func foldedName(_ name: String) -> String { name.trimmingWhitespace.lowercased() }
