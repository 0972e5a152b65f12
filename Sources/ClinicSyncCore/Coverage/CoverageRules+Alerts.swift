extension CoverageRules {
    /// Every alert the snapshot raises, acknowledged ones included (marked), by kind then id.
    package func alerts(identity: AlertIdentity) -> [CoverageAlert] {
        var found = AlertCollector(identity: identity, acknowledged: snapshot.acknowledgedAlertIDs)
        prescriptionAlerts(into: &found)
        coverageLimitAlerts(into: &found)
        visitAlerts(into: &found)
        doubleBookings(into: &found)
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

    /// Visits beyond a coverage check's `visit_limit` in its period, counted across every
    /// prescription of the payer: each visit counts under the check that applies on its day.
    private func coverageLimitAlerts(into found: inout AlertCollector) {
        struct Period: Hashable {
            let check: RowID
            let first: String
        }
        var periods: [Period: (check: CoverageCheck, visits: [Visit])] = [:]
        for visit in snapshot.visits where visit.counts {
            guard let prescriptionID = visit.appointment.prescriptionID, let prescription = prescriptions[prescriptionID],
                let check = check(patientID: visit.appointment.patientID, payer: prescription.payer, on: visit.date), check.visitLimit != nil
            else { continue }
            let key = Period(check: check.id, first: period(of: check, containing: visit.date).first?.description ?? "")
            periods[key, default: (check, [])].visits.append(visit)
        }
        for (key, entry) in periods {
            let (check, visits) = (entry.check, entry.visits.sorted(by: Visit.inOrder))
            guard let limit = check.visitLimit, visits.count > limit else { continue }
            let beyond = Array(visits.suffix(visits.count - limit))
            let span = check.visitLimitPeriod == .planYear ? "in the plan year from \(key.first)" : "under authorization"
            found.add(
                .overAuthorized, parts: [check.id.rawValue, key.first], patientID: check.patientID, prescriptionID: nil, visits: beyond,
                message: "coverage check \(check.id) allows \(limit) visits \(span); \(visits.count) are booked or done; "
                    + "beyond the limit: \(Self.list(beyond))")
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
                add(
                    .coverageUnverified,
                    "appointment \(appointment.id) on \(visit.date): no coverage check for the patient and payer \(prescription.payer) "
                        + "valid that day")
                continue
            }
            if let perVisit = check.unitsPerVisitLimit, appointment.units > perVisit {
                unitRules.append("coverage check \(check.id) allows \(perVisit) per visit")
            }
            if !check.inNetworkSites.isEmpty, !check.inNetworkSites.contains(where: { $0.rawValue == appointment.site }) {
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
            (.therapistDoubleBooked, Dictionary(grouping: active) { personKey($0.appointment.therapist) }),
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
                sites: Set(ordered.map(\.appointment.site)).sorted(), message: message, acknowledged: acknowledged.contains(id)))
    }
}
