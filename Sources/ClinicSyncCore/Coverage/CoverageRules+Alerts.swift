extension CoverageRules {
    /// Every alert the snapshot raises, acknowledged ones included (marked), by kind then id.
    package func alerts(identity: AlertIdentity) -> [CoverageAlert] {
        var found = AlertCollector(identity: identity, acknowledged: snapshot.acknowledgedAlertIDs)
        prescriptionAlerts(into: &found)
        coverageLimitAlerts(into: &found)
        visitAlerts(into: &found)
        doubleBookings(into: &found)
        scopeAlerts(into: &found)
        return found.alerts.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    }

    /// Visits beyond `visits_authorized`, and prescriptions about to expire with visits left.
    private func prescriptionAlerts(into found: inout AlertCollector) {
        for prescription in snapshot.prescriptions {
            let counted = (visitsByPrescription[prescription.id] ?? []).filter(\.counts)
            if let authorized = prescription.visitsAuthorized, counted.count > authorized {
                let beyond = Array(counted.suffix(counted.count - authorized))
                found.add(
                    .overAuthorized, parts: [prescription.id.rawValue], patientID: prescription.patientID, prescriptionID: prescription.id,
                    visits: beyond,
                    message: "prescription \(prescription.id): \(counted.count) visits booked or done against \(authorized) authorized; "
                        + "beyond the limit: \(Self.list(beyond))")
            }
            let days = prescription.expiresOn.daysSinceEpoch - snapshot.today.daysSinceEpoch
            let remaining = prescription.visitsAuthorized.map { $0 - counted.count }
            if (0...snapshot.expiryWarningDays).contains(days), remaining.map({ $0 > 0 }) ?? true {
                found.add(
                    .expiringSoon, parts: [prescription.id.rawValue, prescription.expiresOn.description], patientID: prescription.patientID,
                    prescriptionID: prescription.id, visits: [],
                    message: "prescription \(prescription.id) expires on \(prescription.expiresOn) (in \(days) days) with "
                        + (remaining.map { "\($0) visits" } ?? "unlimited visits") + " left")
            }
        }
    }

    /// Visits beyond a payer's `visit_limit` in its period, counted across every prescription of
    /// the payer. Each visit falls in the period of the check that applies on its day: the plan
    /// year (whichever checks apply within it, so a re-verification mid-year does not restart the
    /// count) or the authorization (by its number). The limit is that of the newest check applying
    /// to the period's visits.
    private func coverageLimitAlerts(into found: inout AlertCollector) {
        struct Period: Hashable {
            let patientID: String
            let payer: String
            let span: String
        }
        var periods: [Period: (checks: [CoverageCheck], visits: [Visit])] = [:]
        for visit in snapshot.visits where visit.counts {
            guard let prescriptionID = visit.appointment.prescriptionID, let prescription = prescriptions[prescriptionID],
                let check = check(patientID: visit.appointment.patientID, payer: prescription.payer, on: visit.date)
            else { continue }
            let span: String
            switch check.visitLimitPeriod {
            case .planYear:
                let year = check.planYearStart.planYear(containing: visit.date)
                span = "plan year \(year.first) to \(year.last)"
            case .authorization:
                span = "authorization \(check.authorizationNumber ?? check.id.rawValue)"
            }
            let key = Period(patientID: visit.appointment.patientID, payer: foldedName(prescription.payer), span: span)
            periods[key, default: ([], [])].checks.append(check)
            periods[key, default: ([], [])].visits.append(visit)
        }
        for (key, entry) in periods {
            guard let governing = entry.checks.max(by: { $1.supersedes($0) }), let limit = governing.visitLimit, entry.visits.count > limit
            else { continue }
            let visits = entry.visits.sorted(by: Visit.inOrder)
            let beyond = Array(visits.suffix(visits.count - limit))
            found.add(
                .overAuthorized, parts: [key.patientID, key.payer, key.span], patientID: key.patientID, prescriptionID: nil, visits: beyond,
                message: "coverage check \(governing.id) allows \(limit) visits in the \(key.span); \(visits.count) are booked or done "
                    + "with payer \(governing.payer); beyond the limit: \(Self.list(beyond))")
        }
    }

    /// What each visit breaks on its own: its prescription's dates, patient and units, the payer's
    /// unit limit, network and coverage, and the 8-minute rule.
    private func visitAlerts(into found: inout AlertCollector) {
        for visit in snapshot.visits where visit.counts {
            let appointment = visit.appointment
            var unitRules: [String] = []
            let byMinutes = BillingUnits.forTreatment(minutes: appointment.minutes)
            if appointment.units > byMinutes { unitRules.append("\(byMinutes) allowed for \(appointment.minutes) minutes by the 8-minute rule") }
            defer {
                if !unitRules.isEmpty {
                    found.add(
                        .unitsOverLimit, parts: [appointment.id.rawValue], patientID: appointment.patientID,
                        prescriptionID: appointment.prescriptionID, visits: [visit],
                        message: "appointment \(appointment.id) bills \(appointment.units) units; " + unitRules.joined(separator: "; "))
                }
            }
            guard let prescriptionID = appointment.prescriptionID, let prescription = prescriptions[prescriptionID] else { continue }
            let parts = [appointment.id.rawValue, prescriptionID.rawValue]
            func add(_ kind: CoverageAlert.Kind, _ message: String) {
                found.add(kind, parts: parts, patientID: appointment.patientID, prescriptionID: prescriptionID, visits: [visit], message: message)
            }
            if visit.date < prescription.issuedOn || visit.date > prescription.expiresOn {
                add(
                    .outsidePrescriptionDates,
                    "appointment \(appointment.id) on \(visit.date) is outside prescription \(prescriptionID)'s dates "
                        + "(\(prescription.issuedOn) to \(prescription.expiresOn))")
            }
            if prescription.patientID != appointment.patientID {
                add(.prescriptionOfOtherPatient, "appointment \(appointment.id) is billed against prescription \(prescriptionID) of another patient")
            }
            if let perVisit = prescription.unitsPerVisit, appointment.units > perVisit {
                unitRules.append("prescription \(prescriptionID) allows \(perVisit) per visit")
            }
            guard let check = check(patientID: appointment.patientID, payer: prescription.payer, on: visit.date) else {
                // Only for a visit still to happen, when a call to the payer can help: a store
                // upgraded from schema 1 has no checks at all, and its history is billed already.
                if appointment.status != .completed {
                    add(
                        .coverageUnverified,
                        "appointment \(appointment.id) on \(visit.date): no coverage check for the patient and payer \(prescription.payer) "
                            + "valid that day")
                }
                continue
            }
            if let perVisit = check.unitsPerVisitLimit, appointment.units > perVisit {
                unitRules.append("coverage check \(check.id) allows \(perVisit) per visit")
            }
            if !check.inNetworkSites.isEmpty, !check.inNetworkSites.contains(where: { $0.rawValue == foldedName(appointment.site) }) {
                add(
                    .outOfNetwork,
                    "appointment \(appointment.id) at site \(appointment.site) is outside the network of coverage check \(check.id) "
                        + "(\(check.inNetworkSites.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            if !check.covered {
                add(.notCovered, "appointment \(appointment.id): coverage check \(check.id) says the plan does not cover it")
            } else if !check.qualifyingICD10.isEmpty, check.qualifyingICD10.isDisjoint(with: prescription.icd10Codes) {
                add(
                    .notCovered,
                    "appointment \(appointment.id): none of prescription \(prescriptionID)'s diagnosis codes qualifies under coverage check "
                        + "\(check.id)")
            }
        }
    }

    /// Overlapping visits of one therapist, or of one patient (cancelled visits excluded): one
    /// alert per run of visits that overlap one another in a chain, so that a day booked ten times
    /// over is one alert naming ten visits, not forty-five pairs.
    private func doubleBookings(into found: inout AlertCollector) {
        let active = snapshot.visits.filter { $0.appointment.status != .cancelled }
        let groups: [(CoverageAlert.Kind, [String: [Visit]])] = [
            (.therapistDoubleBooked, Dictionary(grouping: active) { foldedName($0.appointment.therapist) }),
            (.patientDoubleBooked, Dictionary(grouping: active) { $0.appointment.patientID }),
        ]
        for (kind, byPerson) in groups {
            for visits in byPerson.values {
                var run: [Visit] = []
                var runEnd = Int.min
                func close() {
                    guard run.count > 1, let first = run.first else { return }
                    let who = kind == .therapistDoubleBooked ? "therapist \(first.appointment.therapist)" : "patient \(first.appointment.patientID)"
                    found.add(
                        kind, parts: [], patientID: kind == .patientDoubleBooked ? first.appointment.patientID : nil, prescriptionID: nil,
                        visits: run, message: "\(who) is booked at overlapping times: \(Self.list(run))")
                }
                for visit in visits.sorted(by: Visit.inOrder) {
                    if visit.interval.lowerBound >= runEnd {
                        close()
                        run = []
                    }
                    run.append(visit)
                    runEnd = max(runEnd, visit.interval.upperBound)
                }
                close()
            }
        }
    }

    /// `id (site, start)` for each visit.
    static func list(_ visits: [Visit]) -> String {
        visits.map { "\($0.id) (\($0.appointment.site), \($0.appointment.startsAt))" }.joined(separator: ", ")
    }
}

/// Gathers alerts, giving each its id and acknowledgement.
struct AlertCollector {
    let identity: AlertIdentity
    let acknowledged: Set<String>
    var alerts: [CoverageAlert] = []

    mutating func add(
        _ kind: CoverageAlert.Kind, parts: [String], patientID: String?, prescriptionID: RowID?, visits: [CoverageSnapshot.Visit], message: String
    ) {
        let ordered = visits.sorted(by: CoverageSnapshot.Visit.inOrder)
        let id = identity.id(kind, parts + ordered.map(\.id.rawValue))
        alerts.append(
            CoverageAlert(
                id: id, kind: kind, patientID: patientID, prescriptionID: prescriptionID, appointmentIDs: ordered.map(\.id),
                sites: Set(ordered.map(\.appointment.site)).sorted(), message: message, acknowledged: acknowledged.contains(id),
                scope: [kind.rawValue] + parts))
    }
}
