import Testing

@testable import ClinicSyncCore

/// Builds snapshots by hand: prescriptions, checks and visits with readable defaults.
struct CoverageScenario {
    var visits: [CoverageSnapshot.Visit] = []
    var prescriptions: [Prescription] = []
    var checks: [CoverageCheck] = []
    var acknowledged: Set<String> = []
    var today = try! CalendarDate("2026-12-01", field: "today")
    private var counter = 0

    static let identity = AlertIdentity(sha256: { ChainTestCrypto().sha256($0) })

    mutating func nextID() -> RowID {
        counter += 1
        let digits = String(counter)
        return try! RowID("00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits)
    }

    @discardableResult
    mutating func prescription(
        patient: String = "p1", payer: String = "Aetna", visits: Int? = 8, unitsPerVisit: Int? = 4, codes: [String] = ["M54.50"],
        issued: String = "2026-11-01", expires: String = "2027-05-01", _ change: (inout Prescription) -> Void = { _ in }
    ) -> RowID {
        var prescription = Prescription(
            id: nextID(), patientID: patient, patientName: "Name", prescriber: "Dr", prescriberNPI: try! NPI("1234567893"), diagnosis: "d",
            icd10Codes: codes.map { try! ICD10Code($0) }, visitsAuthorized: visits, unitsPerVisit: unitsPerVisit,
            issuedOn: try! CalendarDate(issued, field: "issued_on"), expiresOn: try! CalendarDate(expires, field: "expires_on"), payer: payer,
            memberID: "M")
        change(&prescription)
        prescriptions.append(prescription)
        return prescription.id
    }

    @discardableResult
    mutating func check(
        patient: String = "p1", payer: String = "Aetna", on date: String = "2026-11-01", _ change: (inout CoverageCheck) -> Void = { _ in }
    ) -> RowID {
        var check = CoverageCheck(
            id: nextID(), patientID: patient, payer: payer, memberID: "M", checkedOn: try! CalendarDate(date, field: "checked_on"),
            checkedBy: "Kim", site: try! SiteID("downtown"), covered: true, requiresPrescription: true)
        change(&check)
        checks.append(check)
        return check.id
    }

    /// A visit at `at` (UTC; its day is the UTC day unless `day` is given).
    @discardableResult
    mutating func visit(
        _ prescription: RowID?, at: String, patient: String = "p1", therapist: String = "Sam", site: String = "downtown",
        minutes: Int = 60, units: Int? = nil, status: AppointmentStatus = .scheduled, day: String? = nil, region: String? = nil
    ) -> RowID {
        let startsAt = try! UTCDateTime(at, field: "starts_at")
        let appointment = Appointment(
            id: nextID(), patientID: patient, patientName: "Name", therapist: therapist, site: site, startsAt: startsAt, minutes: minutes,
            units: units, status: status, prescriptionID: prescription, bodyRegion: region.map { try! BodyRegion($0) })
        visits.append(CoverageSnapshot.Visit(appointment, date: day.map { try! CalendarDate($0, field: "day") } ?? startsAt.date))
        return appointment.id
    }

    var snapshot: CoverageSnapshot {
        CoverageSnapshot(
            visits: visits, prescriptions: prescriptions, checks: checks, acknowledgedAlertIDs: acknowledged, today: today, expiryWarningDays: 14)
    }

    var rules: CoverageRules { CoverageRules(snapshot) }
    var alerts: [CoverageAlert] { rules.alerts(identity: Self.identity) }

    func alerts(_ kind: CoverageAlert.Kind) -> [CoverageAlert] { alerts.filter { $0.kind == kind } }
}

@Suite("Coverage usage and alerts from the merged tables")
struct CoverageRulesTests {
    @Test("usage of a prescription across 3 sites and 10 visits in every status, against a hand count")
    func handCountedUsage() throws {
        var scenario = CoverageScenario()
        let rx = scenario.prescription(visits: 8, unitsPerVisit: 4)
        let statuses: [(AppointmentStatus, String, Int)] = [
            (.completed, "downtown", 4), (.completed, "uptown", 3), (.completed, "eastside", 4), (.checkedIn, "downtown", 4),
            (.scheduled, "uptown", 4), (.scheduled, "eastside", 4), (.noShow, "downtown", 4), (.cancelled, "uptown", 4),
            (.cancelled, "eastside", 4), (.scheduled, "downtown", 2),
        ]
        for (day, (status, site, units)) in statuses.enumerated() {
            scenario.visit(rx, at: "2026-11-\(10 + day)T15:00:00Z", site: site, units: units, status: status)
        }
        let usage = try #require(scenario.rules.usage(of: rx))
        // Scheduled: 3 scheduled + 1 checked in; completed 3 (11 units); 1 no-show; 2 cancelled.
        #expect(usage.scheduled == 4 && usage.completed == 3 && usage.noShows == 1 && usage.cancelled == 2)
        #expect(usage.remaining == 1 && usage.unitsCompleted == 11 && usage.unitsAuthorized == 32)
        #expect(usage.daysUntilExpiry == 151 && usage.visits.count == 10)
        #expect(usage.visits.map(\.appointment.startsAt.description).first == "2026-11-10T15:00:00Z")
        #expect(scenario.alerts(.overAuthorized).isEmpty)
        // Two more bookings: 9 of 8, the later one is beyond.
        scenario.visit(rx, at: "2026-11-25T15:00:00Z", site: "uptown")
        let last = scenario.visit(rx, at: "2026-11-26T15:00:00Z", site: "eastside")
        #expect(scenario.rules.usage(of: rx)?.remaining == -1)
        let over = scenario.alerts(.overAuthorized)
        #expect(over.map(\.appointmentIDs) == [[last]] && over.first?.sites == ["eastside"] && over.first?.prescriptionID == rx)
    }

    @Test("plan-year usage counts every prescription of the payer, across 31 December and 1 January, by the clinic's day")
    func planYearAcrossNewYear() throws {
        var scenario = CoverageScenario()
        scenario.today = try CalendarDate("2026-12-20", field: "today")
        scenario.check { $0.visitLimit = 3 }
        let autumn = scenario.prescription(issued: "2026-09-01", expires: "2026-12-31")
        let winter = scenario.prescription(issued: "2026-12-15", expires: "2027-06-30")
        let other = scenario.prescription(payer: "Cigna")
        scenario.visit(autumn, at: "2026-10-01T15:00:00Z", status: .completed)
        scenario.visit(autumn, at: "2026-12-30T15:00:00Z")
        // 19:30 on 31 December in New York is already 1 January in UTC: the clinic's day decides.
        scenario.visit(winter, at: "2027-01-01T00:30:00Z", day: "2026-12-31")
        scenario.visit(winter, at: "2027-01-02T15:00:00Z")
        scenario.visit(other, at: "2026-12-21T15:00:00Z")
        scenario.visit(autumn, at: "2026-11-01T15:00:00Z", status: .cancelled)
        let usage = try #require(scenario.rules.periodUsage(patientID: "p1", payer: " aetna"))
        #expect(usage.first?.description == "2026-01-01" && usage.last?.description == "2026-12-31")
        #expect(usage.visits == 3 && usage.remaining == 0)
        #expect(scenario.alerts(.overAuthorized).isEmpty, "three visits in 2026 and one in 2027: within 3 a year")
        scenario.visit(winter, at: "2026-12-31T16:00:00Z", status: .checkedIn)
        let over = scenario.alerts(.overAuthorized)
        #expect(over.count == 1 && over.first?.prescriptionID == nil && over.first?.appointmentIDs.count == 1)
        #expect(over.first?.message.contains("plan year 2026-01-01 to 2026-12-31") == true, "\(over.map(\.message))")
        // A plan year starting 1 July puts all five in one year.
        scenario.checks[0].planYearStart = try PlanYearStart("07-01")
        #expect(scenario.rules.periodUsage(patientID: "p1", payer: "Aetna")?.visits == 5)
        #expect(scenario.alerts(.overAuthorized).first?.appointmentIDs.count == 2)
    }

    @Test("a re-verification mid-year does not restart the plan year's count; a new authorization number does")
    func limitsAcrossChecks() throws {
        var scenario = CoverageScenario()
        scenario.today = try CalendarDate("2026-03-01", field: "today")
        scenario.check(on: "2026-01-05") {
            $0.visitLimit = 10
            $0.validUntil = try! CalendarDate("2026-06-30", field: "valid_until")
        }
        scenario.check(on: "2026-06-20") {
            $0.visitLimit = 12
            $0.validFrom = try! CalendarDate("2026-07-01", field: "valid_from")
        }
        let rx = scenario.prescription(visits: nil, issued: "2026-01-01", expires: "2026-12-31")
        for month in 3...5 { for day in ["03", "13", "23"] { scenario.visit(rx, at: "2026-0\(month)-\(day)T15:00:00Z") } }
        for month in 7...8 { for day in ["03", "13"] { scenario.visit(rx, at: "2026-0\(month)-\(day)T15:00:00Z") } }
        // 9 + 4 = 13 visits in plan year 2026, under the newest check's limit of 12: one beyond.
        let over = scenario.alerts(.overAuthorized)
        #expect(over.count == 1 && over.first?.appointmentIDs.count == 1, "\(over.map(\.message))")
        #expect(over.first?.message.contains("allows 12 visits in the plan year 2026-01-01 to 2026-12-31") == true)

        var authorizations = CoverageScenario()
        authorizations.check(on: "2026-01-05") {
            $0.visitLimit = 2
            $0.visitLimitPeriod = .authorization
            $0.authorizationNumber = "A-1"
            $0.validUntil = try! CalendarDate("2026-03-31", field: "valid_until")
        }
        authorizations.check(on: "2026-03-25") {
            $0.visitLimit = 2
            $0.visitLimitPeriod = .authorization
            $0.authorizationNumber = "A-2"
            $0.validFrom = try! CalendarDate("2026-04-01", field: "valid_from")
        }
        let rx2 = authorizations.prescription(visits: nil, issued: "2026-01-01", expires: "2026-12-31")
        for day in ["2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"] { authorizations.visit(rx2, at: day + "T15:00:00Z") }
        #expect(authorizations.alerts(.overAuthorized).isEmpty, "two visits under each authorization")
        authorizations.visit(rx2, at: "2026-03-15T15:00:00Z")
        #expect(authorizations.alerts(.overAuthorized).first?.message.contains("authorization A-1") == true)
    }

    @Test("each kind is raised by the smallest case that breaks its rule, and not once the rule holds")
    func eachKind() throws {
        typealias Build = (inout CoverageScenario) -> Void
        let cases: [(CoverageAlert.Kind, Build, Build)] = [
            (
                .outsidePrescriptionDates, { s in s.visit(s.prescription(issued: "2026-11-01"), at: "2026-10-31T23:00:00Z") },
                { s in s.visit(s.prescription(issued: "2026-11-01"), at: "2026-10-31T23:00:00Z", day: "2026-11-01") }
            ),
            (
                .prescriptionOfOtherPatient, { s in s.visit(s.prescription(patient: "p2"), at: "2026-11-10T15:00:00Z") },
                { s in s.visit(s.prescription(patient: "p1"), at: "2026-11-10T15:00:00Z") }
            ),
            (
                .unitsOverLimit, { s in s.visit(s.prescription(unitsPerVisit: 2), at: "2026-11-10T15:00:00Z", units: 3) },
                { s in s.visit(s.prescription(unitsPerVisit: 3), at: "2026-11-10T15:00:00Z", units: 3) }
            ),
            (
                .unitsOverLimit, { s in s.visit(nil, at: "2026-11-10T15:00:00Z", minutes: 22, units: 2) },
                { s in s.visit(nil, at: "2026-11-10T15:00:00Z", minutes: 23, units: 2) }
            ),
            (
                .unitsOverLimit,
                { s in
                    s.check { $0.unitsPerVisitLimit = 2 }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z", units: 3)
                },
                { s in
                    s.check { $0.unitsPerVisitLimit = 3 }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z", units: 3)
                }
            ),
            (
                .therapistDoubleBooked,
                { s in
                    s.visit(nil, at: "2026-11-10T15:00:00Z", patient: "p1", therapist: "Sam", site: "downtown")
                    s.visit(nil, at: "2026-11-10T15:59:00Z", patient: "p2", therapist: " sam", site: "uptown")
                },
                { s in
                    s.visit(nil, at: "2026-11-10T15:00:00Z", patient: "p1", therapist: "Sam", site: "downtown")
                    s.visit(nil, at: "2026-11-10T16:00:00Z", patient: "p2", therapist: "Sam", site: "uptown")
                }
            ),
            (
                .patientDoubleBooked,
                { s in
                    s.visit(nil, at: "2026-11-10T15:00:00Z", therapist: "Sam")
                    s.visit(nil, at: "2026-11-10T15:30:00Z", therapist: "Kim", status: .noShow)
                },
                { s in
                    s.visit(nil, at: "2026-11-10T15:00:00Z", therapist: "Sam")
                    s.visit(nil, at: "2026-11-10T15:30:00Z", therapist: "Kim", status: .cancelled)
                }
            ),
            (
                .outOfNetwork,
                { s in
                    s.check { $0.inNetworkSites = [try! SiteID("downtown")] }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z", site: "uptown")
                },
                { s in
                    s.check { $0.inNetworkSites = [try! SiteID("downtown"), try! SiteID("uptown")] }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z", site: "uptown")
                }
            ),
            (
                .coverageUnverified,
                { s in
                    s.check(payer: "Cigna")
                    s.visit(s.prescription(payer: "Aetna"), at: "2026-11-10T15:00:00Z")
                },
                { s in
                    s.check(payer: "AETNA ")
                    s.visit(s.prescription(payer: "Aetna"), at: "2026-11-10T15:00:00Z")
                }
            ),
            (
                .coverageUnverified,
                { s in
                    s.check { $0.validUntil = try! CalendarDate("2026-11-09", field: "valid_until") }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z")
                },
                { s in
                    s.check { $0.validUntil = try! CalendarDate("2026-11-10", field: "valid_until") }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z")
                }
            ),
            (
                .notCovered,
                { s in
                    s.check(on: "2026-11-01")
                    s.check(on: "2026-11-05") { $0.covered = false }
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z")
                },
                { s in
                    s.check(on: "2026-11-05") { $0.covered = false }
                    s.check(on: "2026-11-06")
                    s.visit(s.prescription(), at: "2026-11-10T15:00:00Z")
                }
            ),
            (
                .notCovered,
                { s in
                    s.check { $0.qualifyingICD10 = [try! ICD10Code("M79.1")] }
                    s.visit(s.prescription(codes: ["M54.50"]), at: "2026-11-10T15:00:00Z")
                },
                { s in
                    s.check { $0.qualifyingICD10 = [try! ICD10Code("M79.1")] }
                    s.visit(s.prescription(codes: ["M54.50", "M79.1"]), at: "2026-11-10T15:00:00Z")
                }
            ),
            (
                .expiringSoon, { s in s.prescription(visits: 2, expires: "2026-12-15") },
                { s in
                    let rx = s.prescription(visits: 2, expires: "2026-12-15")
                    s.visit(rx, at: "2026-12-02T15:00:00Z", status: .completed)
                    s.visit(rx, at: "2026-12-03T15:00:00Z")
                }
            ),
            (.expiringSoon, { s in s.prescription(visits: nil, expires: "2026-12-01") }, { s in s.prescription(visits: nil, expires: "2026-12-16") }),
        ]
        for (index, (kind, breaking, holding)) in cases.enumerated() {
            var broken = CoverageScenario()
            breaking(&broken)
            let raised = broken.alerts(kind)
            #expect(raised.count == 1, "case \(index) (\(kind)): \(broken.alerts.map(\.kind))")
            #expect(raised.allSatisfy { $0.id.hasPrefix(kind.rawValue + "-") && $0.id.count == kind.rawValue.count + 17 })
            #expect(!raised.contains { $0.message.contains("Name") }, "messages never carry a patient's name")
            var fixed = CoverageScenario()
            holding(&fixed)
            #expect(fixed.alerts(kind).isEmpty, "case \(index) (\(kind)): \(fixed.alerts(kind).map(\.message))")
        }
    }

    @Test("an alert's id depends on its kind and ids only; acknowledging it marks it, and new ids raise it afresh")
    func stableIdentity() throws {
        var scenario = CoverageScenario()
        let rx = scenario.prescription(visits: 1)
        scenario.visit(rx, at: "2026-11-10T15:00:00Z")
        let late = scenario.visit(rx, at: "2026-11-11T15:00:00Z")
        let alert = try #require(scenario.alerts(.overAuthorized).first)
        #expect(alert.appointmentIDs == [late] && !alert.acknowledged)
        scenario.acknowledged = [alert.id]
        #expect(scenario.alerts(.overAuthorized).map(\.acknowledged) == [true])
        scenario.visits[1].appointment.notes = "moved"
        #expect(scenario.alerts(.overAuthorized).first?.id == alert.id, "a change to another field keeps the id")
        let later = scenario.visit(rx, at: "2026-11-12T15:00:00Z")
        let renewed = try #require(scenario.alerts(.overAuthorized).first)
        #expect(renewed.id != alert.id && !renewed.acknowledged && renewed.appointmentIDs == [late, later])
    }

}
