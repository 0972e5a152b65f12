/// A prescription's visits and units across every site, derived from the merged appointments.
package struct PrescriptionUsage: Hashable, Sendable {
    package var prescriptionID: RowID
    /// `nil`: unlimited.
    package var visitsAuthorized: Int?
    /// Scheduled or checked in.
    package var scheduled: Int
    package var completed: Int
    package var noShows: Int
    package var cancelled: Int
    /// Authorized − scheduled − completed; negative when over; `nil` when unlimited.
    package var remaining: Int?
    package var unitsCompleted: Int
    /// Units per visit × visits authorized, when both are set.
    package var unitsAuthorized: Int?
    /// Days from today until `expires_on` (negative once expired).
    package var daysUntilExpiry: Int
    /// Every linked visit, by start time then id.
    package var visits: [CoverageSnapshot.Visit]
    /// The frequency rule, and the visits counted in its period (week or month) holding today.
    package var frequency: FrequencyUsage?
    /// The letter of medical necessity: when it arrived, and the check in force today that requires it.
    package var letter: LetterStatus

    /// A frequency rule's current period.
    package struct FrequencyUsage: Hashable, Sendable {
        package var rule: VisitFrequency
        /// The first day of the week or month holding today.
        package var periodFirst: CalendarDate
        /// Scheduled, checked-in and completed visits in that period.
        package var visits: Int
    }

    /// Whether the letter of medical necessity is needed and on file.
    package struct LetterStatus: Hashable, Sendable {
        package var receivedOn: CalendarDate?
        /// The coverage check valid today that requires a letter; `nil`: none does.
        package var requiredBy: RowID?
    }

    init(prescription: Prescription, visits: [CoverageSnapshot.Visit], today: CalendarDate, letterRequiredBy: RowID?) {
        prescriptionID = prescription.id
        visitsAuthorized = prescription.visitsAuthorized
        let statuses = visits.map(\.appointment.status)
        let (booked, done) = (statuses.filter { $0 == .scheduled || $0 == .checkedIn }.count, statuses.filter { $0 == .completed }.count)
        scheduled = booked
        completed = done
        noShows = statuses.filter { $0 == .noShow }.count
        cancelled = statuses.filter { $0 == .cancelled }.count
        remaining = prescription.visitsAuthorized.map { $0 - booked - done }
        unitsCompleted = visits.filter { $0.appointment.status == .completed }.reduce(0) { $0 + $1.appointment.units }
        unitsAuthorized = prescription.unitsPerVisit.flatMap { units in prescription.visitsAuthorized.map { units * $0 } }
        daysUntilExpiry = prescription.expiresOn.daysSinceEpoch - today.daysSinceEpoch
        self.visits = visits.sorted(by: CoverageSnapshot.Visit.inOrder)
        frequency = prescription.frequencyRule.map { rule in
            let first = rule.period.first(containing: today)
            return FrequencyUsage(
                rule: rule, periodFirst: first, visits: visits.filter { $0.counts && rule.period.first(containing: $0.date) == first }.count)
        }
        letter = LetterStatus(receivedOn: prescription.lmnReceivedOn, requiredBy: letterRequiredBy)
    }
}

/// A patient's visits with one payer in the period the coverage check in force counts its limit in.
package struct PeriodUsage: Hashable, Sendable {
    /// The check in force today for the patient and payer.
    package var check: CoverageCheck
    /// The period's first and last day: the plan year containing today, or the check's validity
    /// (open-ended where it states none) for a limit per authorization.
    package var first: CalendarDate?
    package var last: CalendarDate?
    /// Visits counted (scheduled, checked in or completed) in the period, across every
    /// prescription of that payer and every site.
    package var visits: Int
    /// `nil`: unlimited.
    package var limit: Int?
    package var remaining: Int? { limit.map { $0 - visits } }
}
