import Testing

@testable import ClinicSyncCore

/// The alerts of what a prescription allows (issue 13), counted by hand.
@Suite("Frequency, region and letter-of-medical-necessity alerts")
struct CoverageScopeRulesTests {
    @Test("calendar periods: weeks run Monday to Sunday, months from their first day, across year ends and leap days")
    func periods() throws {
        let cases: [(String, VisitFrequency.Period, String)] = [
            ("2026-11-30", .week, "2026-11-30"), ("2026-12-06", .week, "2026-11-30"), ("2026-12-07", .week, "2026-12-07"),
            ("2027-01-01", .week, "2026-12-28"), ("2028-02-29", .week, "2028-02-28"), ("1970-01-01", .week, "1969-12-29"),
            ("2026-12-31", .month, "2026-12-01"), ("2028-02-29", .month, "2028-02-01"),
        ]
        for (day, period, first) in cases {
            #expect(period.first(containing: try CalendarDate(day, field: "d")).description == first, "\(day)")
        }
        // Every day of 2026-2028 lies in the week of the Monday at most six days before it.
        for days in 20_454...21_549 {
            let first = VisitFrequency.Period.week.first(containing: CalendarDate(daysSinceEpoch: days))
            #expect((0...6).contains(days - first.daysSinceEpoch) && (first.daysSinceEpoch + 3) % 7 == 0)
        }
    }

    @Test("2 per week: the third visit of a week is beyond the limit, whichever site booked it; other weeks and statuses are apart")
    func overFrequencyPerWeek() throws {
        var scenario = CoverageScenario()
        let rx = scenario.prescription { $0.frequency = "2 per week" }
        scenario.visit(rx, at: "2026-12-02T15:00:00Z", site: "uptown")
        scenario.visit(rx, at: "2026-11-30T15:00:00Z")
        let third = scenario.visit(rx, at: "2026-12-04T15:00:00Z", site: "uptown")
        scenario.visit(rx, at: "2026-12-03T15:00:00Z", status: .cancelled)
        scenario.visit(rx, at: "2026-12-03T17:00:00Z", status: .noShow)
        // Sunday by the clinic's day (UTC Monday 03:00): still the week of 30 November, so a fourth.
        let sunday = scenario.visit(rx, at: "2026-12-07T03:00:00Z", day: "2026-12-06")
        scenario.visit(rx, at: "2026-12-07T15:00:00Z")
        scenario.visit(rx, at: "2026-12-08T15:00:00Z")
        let alerts = scenario.alerts(.overFrequency)
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.appointmentIDs == [third, sunday] && alert.sites == ["downtown", "uptown"] && alert.prescriptionID == rx)
        #expect(alert.message.contains("allows 2 per week; 4 visits are booked or done in the week of 2026-11-30"), "\(alert.message)")

        // Cancelling one of the week's visits leaves one beyond the limit: a new alert, not the old one.
        scenario.visits[0].appointment.status = .cancelled
        let after = scenario.alerts(.overFrequency)
        #expect(after.map(\.appointmentIDs) == [[sunday]] && after.first?.id != alert.id)
        let usage = try #require(scenario.rules.usage(of: rx))
        #expect(
            usage.frequency
                == .init(rule: VisitFrequency(count: 2, period: .week), periodFirst: try CalendarDate("2026-11-30", field: "d"), visits: 3))
    }

    @Test("8 per month counts calendar months; no rule, or text that is not one, limits nothing")
    func overFrequencyPerMonth() throws {
        var scenario = CoverageScenario()
        let monthly = scenario.prescription { $0.frequency = "8 per month" }
        let legacy = scenario.prescription { $0.frequency = "2x/week for 6 weeks" }
        let none = scenario.prescription()
        var december: [RowID] = []
        for day in 1...9 { december.append(scenario.visit(monthly, at: "2026-12-0\(day)T10:00:00Z")) }
        scenario.visit(monthly, at: "2027-01-01T10:00:00Z")
        scenario.visit(monthly, at: "2026-11-30T10:00:00Z")
        for rx in [legacy, none] {
            for day in 1...9 { scenario.visit(rx, at: "2026-12-0\(day)T12:00:00Z") }
        }
        let alerts = scenario.alerts(.overFrequency)
        #expect(alerts.map(\.appointmentIDs) == [[december[8]]] && alerts.first?.prescriptionID == monthly)
        #expect(alerts.first?.message.contains("in the month 2026-12") == true)
        #expect(scenario.rules.usage(of: legacy)?.frequency == nil && scenario.rules.usage(of: monthly)?.frequency?.visits == 9)
    }

    @Test("a visit treating a region its prescription does not list raises outside_prescribed_region until the prescription lists it")
    func outsideRegion() throws {
        var scenario = CoverageScenario()
        let rx = scenario.prescription { $0.bodyRegions = [try! BodyRegion("left ankle")] }
        let anyRegion = scenario.prescription()
        let back = scenario.visit(rx, at: "2026-12-01T15:00:00Z", region: "Lower Back")
        scenario.visit(rx, at: "2026-12-02T15:00:00Z", region: "left  ankle")
        scenario.visit(rx, at: "2026-12-03T15:00:00Z")
        scenario.visit(rx, at: "2026-12-04T15:00:00Z", status: .cancelled, region: "neck")
        scenario.visit(anyRegion, at: "2026-12-05T15:00:00Z", region: "neck")
        let alerts = scenario.alerts(.outsidePrescribedRegion)
        #expect(alerts.map(\.appointmentIDs) == [[back]])
        #expect(alerts.first?.message.contains("treats lower back, which prescription \(rx) does not list (left ankle)") == true)

        // Another region is another alert (an acknowledgement of the first does not hide it).
        let first = try #require(alerts.first?.id)
        scenario.visits[0].appointment.bodyRegion = try BodyRegion("neck")
        let neck = scenario.alerts(.outsidePrescribedRegion)
        #expect(neck.count == 1 && neck.first?.id != first && neck.first?.appointmentIDs == [back])
        scenario.prescriptions[0].bodyRegions.insert(try BodyRegion("neck"))
        #expect(scenario.alerts(.outsidePrescribedRegion).isEmpty)
    }

    @Test("a payer requiring the letter: visits before it arrived raise missing_medical_necessity_letter, visits on or after that day do not")
    func missingLetter() throws {
        var scenario = CoverageScenario()
        let check = scenario.check { $0.requiresLMN = true }
        let rx = scenario.prescription { $0.lmnReceivedOn = try! CalendarDate("2026-12-03", field: "d") }
        let early = scenario.visit(rx, at: "2026-12-02T15:00:00Z", site: "uptown")
        let earlier = scenario.visit(rx, at: "2026-12-01T15:00:00Z")
        scenario.visit(rx, at: "2026-12-03T09:00:00Z")
        scenario.visit(rx, at: "2026-12-05T15:00:00Z")
        scenario.visit(rx, at: "2026-11-30T15:00:00Z", status: .cancelled)
        let alerts = scenario.alerts(.missingMedicalNecessityLetter)
        #expect(alerts.map(\.appointmentIDs) == [[earlier, early]] && alerts.first?.sites == ["downtown", "uptown"])
        #expect(
            alerts.first?.message.contains(
                "requires a letter of medical necessity (coverage check \(check)); the letter arrived on 2026-12-03, after") == true)
        #expect(scenario.rules.usage(of: rx)?.letter == .init(receivedOn: try CalendarDate("2026-12-03", field: "d"), requiredBy: check))

        // No letter at all: every counted visit; a payer that does not require one: none.
        scenario.prescriptions[0].lmnReceivedOn = nil
        #expect(scenario.alerts(.missingMedicalNecessityLetter).first?.appointmentIDs.count == 4)
        scenario.checks[0].requiresLMN = false
        #expect(scenario.alerts(.missingMedicalNecessityLetter).isEmpty)
        #expect(scenario.rules.usage(of: rx)?.letter == .init(receivedOn: nil, requiredBy: nil))
    }

    @Test("the letter is judged by the check valid on each visit's day: a re-verification that starts requiring it counts from its validity")
    func letterByCheckInForce() throws {
        var scenario = CoverageScenario()
        scenario.check(on: "2026-11-01")
        let requiring = scenario.check(on: "2026-12-10") {
            $0.requiresLMN = true
            $0.validFrom = try! CalendarDate("2026-12-10", field: "d")
        }
        let rx = scenario.prescription()
        scenario.visit(rx, at: "2026-12-09T15:00:00Z")
        let after = scenario.visit(rx, at: "2026-12-10T15:00:00Z")
        let alerts = scenario.alerts(.missingMedicalNecessityLetter)
        #expect(alerts.map(\.appointmentIDs) == [[after]] && alerts.first?.message.contains("\(requiring)") == true)
    }
}
