package import ClinicSyncCore

/// A visit as usage lists it: where, when (and on which clinic day), in what state, for how many units.
package struct VisitView: Codable, Sendable, Equatable {
    package var id: String
    package var site: String
    package var startsAt: String
    /// The calendar day in `alerts.time_zone`.
    package var date: String
    package var status: String
    package var units: Int
    package var prescriptionID: String?

    enum CodingKeys: String, CodingKey {
        case id, site, date, status, units
        case startsAt = "starts_at"
        case prescriptionID = "prescription_id"
    }

    init(_ visit: CoverageSnapshot.Visit) {
        id = visit.id.rawValue
        site = visit.appointment.site
        startsAt = visit.appointment.startsAt.description
        date = visit.date.description
        status = visit.appointment.status.rawValue
        units = visit.appointment.units
        prescriptionID = visit.appointment.prescriptionID?.rawValue
    }
}

/// A prescription's usage across every site (see ``PrescriptionUsage``).
package struct PrescriptionUsageView: Codable, Sendable, Equatable {
    /// `nil`: unlimited.
    package var visitsAuthorized: Int?
    /// Scheduled or checked in.
    package var scheduled: Int
    package var completed: Int
    package var noShows: Int
    package var cancelled: Int
    /// Authorized − scheduled − completed (negative when over); `nil` when unlimited.
    package var remaining: Int?
    package var unitsCompleted: Int
    /// Units per visit × visits authorized, when both are set.
    package var unitsAuthorized: Int?
    package var daysUntilExpiry: Int
    package var appointments: [VisitView]
    /// The frequency rule with its current week's or month's visits; absent without a rule.
    package var frequency: FrequencyUsageView?
    package var letter: LetterStatusView

    /// `{"rule": "2 per week", "period_first": "2026-11-30", "visits": 1}`
    package struct FrequencyUsageView: Codable, Sendable, Equatable {
        package var rule: String
        /// The Monday of the week, or the first of the month, holding today.
        package var periodFirst: String
        /// Scheduled, checked-in and completed visits in that period, at every site.
        package var visits: Int

        enum CodingKeys: String, CodingKey {
            case rule, visits
            case periodFirst = "period_first"
        }
    }

    /// The letter of medical necessity: `received_on` (absent: not received) and `required_by`,
    /// the coverage check valid today that requires one (absent: none does).
    package struct LetterStatusView: Codable, Sendable, Equatable {
        package var receivedOn: String?
        package var requiredBy: String?

        enum CodingKeys: String, CodingKey {
            case receivedOn = "received_on"
            case requiredBy = "required_by"
        }
    }

    enum CodingKeys: String, CodingKey {
        case scheduled, completed, cancelled, remaining, appointments, frequency, letter
        case visitsAuthorized = "visits_authorized"
        case noShows = "no_shows"
        case unitsCompleted = "units_completed"
        case unitsAuthorized = "units_authorized"
        case daysUntilExpiry = "days_until_expiry"
    }

    init(_ usage: PrescriptionUsage) {
        visitsAuthorized = usage.visitsAuthorized
        scheduled = usage.scheduled
        completed = usage.completed
        noShows = usage.noShows
        cancelled = usage.cancelled
        remaining = usage.remaining
        unitsCompleted = usage.unitsCompleted
        unitsAuthorized = usage.unitsAuthorized
        daysUntilExpiry = usage.daysUntilExpiry
        appointments = usage.visits.map(VisitView.init)
        frequency = usage.frequency.map {
            FrequencyUsageView(rule: $0.rule.description, periodFirst: $0.periodFirst.description, visits: $0.visits)
        }
        letter = LetterStatusView(receivedOn: usage.letter.receivedOn?.description, requiredBy: usage.letter.requiredBy?.rawValue)
    }
}

/// An alert, as `clinicsync alerts --json` prints it: the same bytes at every site holding the
/// same tables.
package struct AlertView: Codable, Sendable, Equatable {
    package var id: String
    package var kind: String
    package var patientID: String?
    package var prescriptionID: String?
    package var appointmentIDs: [String]
    package var sites: [String]
    package var message: String
    package var acknowledged: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, sites, message, acknowledged
        case patientID = "patient_id"
        case prescriptionID = "prescription_id"
        case appointmentIDs = "appointment_ids"
    }

    /// Every key is written, null ones too, so that the list has one shape.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(patientID, forKey: .patientID)
        try container.encode(prescriptionID, forKey: .prescriptionID)
        try container.encode(appointmentIDs, forKey: .appointmentIDs)
        try container.encode(sites, forKey: .sites)
        try container.encode(message, forKey: .message)
        try container.encode(acknowledged, forKey: .acknowledged)
    }

    init(_ alert: CoverageAlert) {
        id = alert.id
        kind = alert.kind.rawValue
        patientID = alert.patientID
        prescriptionID = alert.prescriptionID?.rawValue
        appointmentIDs = alert.appointmentIDs.map(\.rawValue)
        sites = alert.sites
        message = alert.message
        acknowledged = alert.acknowledged
    }
}

/// `clinicsync alerts --json`.
package struct AlertList: Codable, Sendable, Equatable {
    package var alerts: [AlertView]
    /// Rows that cannot be read yet (a field still to arrive, or a value outside the rules) and so
    /// take no part; absent when there are none.
    package var unreadableRows: Int?

    enum CodingKeys: String, CodingKey {
        case alerts
        case unreadableRows = "unreadable_rows"
    }
}

/// A patient's coverage with one payer: the check in force and the visits its limit counts.
package struct PayerCoverageView: Codable, Sendable, Equatable {
    package var payer: String
    /// The check in force today (the newest valid today), or `nil` when none is.
    package var check: CoverageCheckView?
    /// The limit's period: the plan year containing today, or the authorization's validity.
    package var periodFirst: String?
    package var periodLast: String?
    /// Visits counted in the period across every prescription of the payer and every site.
    package var visitsInPeriod: Int?
    package var visitLimit: Int?
    package var visitsRemaining: Int?

    enum CodingKeys: String, CodingKey {
        case payer, check
        case periodFirst = "period_first"
        case periodLast = "period_last"
        case visitsInPeriod = "visits_in_period"
        case visitLimit = "visit_limit"
        case visitsRemaining = "visits_remaining"
    }
}

/// `clinicsync patient show`: what the front desk needs about one patient, across every site.
package struct PatientView: Codable, Sendable, Equatable {
    package var patientID: String
    package var prescriptions: [PrescriptionView]
    package var coverage: [PayerCoverageView]
    /// Not cancelled, starting from now, at every site.
    package var upcomingAppointments: [VisitView]
    /// Open (unacknowledged) alerts about the patient.
    package var alerts: [AlertView]

    enum CodingKeys: String, CodingKey {
        case prescriptions, coverage, alerts
        case patientID = "patient_id"
        case upcomingAppointments = "upcoming_appointments"
    }
}

/// `appointment add --json`: the new id, and the alerts the booking raised at this site.
package struct BookingResult: Codable, Sendable, Equatable {
    package var id: String
    package var warnings: [AlertView]

    /// The new appointment's id (written by this site, so always well formed).
    package var rowID: RowID { try! RowID(id) }
}
