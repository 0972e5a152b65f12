import PropertyBased
import Testing

@testable import ClinicSyncCore

/// Usage and alerts are a function of the merged tables alone: the rules see the rows, never the
/// order they arrived or were stored in.
@Suite("Coverage rules are a function of the tables")
struct CoveragePropertyTests {
    /// A random clinic: few patients, payers, therapists and sites, so that limits, overlaps and
    /// network and coverage mismatches are frequent.
    static func randomScenario(_ random: inout Xoshiro) -> CoverageScenario {
        func pick<T>(_ values: [T]) -> T { values.randomElement(using: &random)! }
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
        var scenario = CoverageScenario()
        scenario.today = CalendarDate(daysSinceEpoch: 20_400 + int(0...120))
        let patients = ["p1", "p2", "p3"]
        let payers = ["Aetna", "aetna ", "Cigna"]
        var prescriptions: [RowID] = []
        for _ in 0..<int(1...5) {
            let issued = CalendarDate(daysSinceEpoch: 20_380 + int(0...60))
            prescriptions.append(
                scenario.prescription(
                    patient: pick(patients), payer: pick(payers), visits: pick([nil, 1, 2, 3, 6]), unitsPerVisit: pick([nil, 2, 4]),
                    codes: pick([["M54.50"], ["M79.1"], ["M54.50", "M79.1"]]), issued: issued.description,
                    expires: CalendarDate(daysSinceEpoch: issued.daysSinceEpoch + int(0...120)).description
                ) {
                    $0.frequency = pick([nil, "1 per week", "2 per week", "3 per month", "as tolerated"])
                    $0.bodyRegions = pick([[], [try! BodyRegion("neck")], [try! BodyRegion("neck"), try! BodyRegion("left ankle")]])
                    $0.lmnReceivedOn = pick([nil, CalendarDate(daysSinceEpoch: 20_390 + int(0...90))])
                })
        }
        for _ in 0..<int(0...4) {
            scenario.check(patient: pick(patients), payer: pick(payers), on: CalendarDate(daysSinceEpoch: 20_370 + int(0...60)).description) {
                $0.covered = int(0...4) > 0
                $0.visitLimit = pick([nil, 2, 4])
                $0.unitsPerVisitLimit = pick([nil, 3])
                $0.planYearStart = pick([PlanYearStart.januaryFirst, try! PlanYearStart("07-01")])
                $0.qualifyingICD10 = pick([[], [try! ICD10Code("M79.1")]])
                $0.inNetworkSites = pick([[], [try! SiteID("downtown")], [try! SiteID("downtown"), try! SiteID("uptown")]])
                if int(0...3) == 0 {
                    $0.visitLimitPeriod = .authorization
                    $0.authorizationNumber = "A"
                }
                if int(0...3) == 0 { $0.validFrom = CalendarDate(daysSinceEpoch: 20_380 + int(0...60)) }
                $0.requiresLMN = int(0...2) == 0
            }
        }
        for _ in 0..<int(0...30) {
            let start = UTCDateTime(secondsSinceEpoch: (20_390 + int(0...90)) * 86_400 + int(8...18) * 3600 + pick([0, 1800, 2700]))
            let minutes = pick([15, 30, 45, 60])
            scenario.visit(
                pick(prescriptions.map(Optional.some) + [nil]), at: start.description, patient: pick(patients), therapist: pick(["Sam", "Kim"]),
                site: pick(["downtown", "uptown", "eastside"]), minutes: minutes,
                units: pick([nil, BillingUnits.forTreatment(minutes: minutes) + 1]), status: pick(AppointmentStatus.allCases),
                region: pick([nil, "neck", "lower back"]))
        }
        return scenario
    }

    /// Everything the rules answer, as one comparable value.
    static func answers(_ scenario: CoverageScenario) -> String {
        let rules = scenario.rules
        let usage = scenario.prescriptions.map(\.id).sorted().map { "\(String(describing: rules.usage(of: $0)))" }
        let periods = ["p1", "p2", "p3"].flatMap { patient in
            ["Aetna", "Cigna"].map { "\(String(describing: rules.periodUsage(patientID: patient, payer: $0)))" }
        }
        return (usage + periods + rules.alerts(identity: CoverageScenario.identity).map { "\($0)" }).joined(separator: "\n")
    }

    @Test("random snapshots: shuffled rows give the same usage and alerts; acknowledging changes only the mark")
    func rowOrderDoesNotMatter() async {
        var kindsSeen: Set<CoverageAlert.Kind> = []
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = Xoshiro(seed: (seed, ~seed, seed &* 31 &+ 7, seed ^ 0x5DEE_CE66))
            let scenario = Self.randomScenario(&random)
            let reference = Self.answers(scenario)
            for _ in 0..<3 {
                var shuffled = scenario
                shuffled.visits.shuffle(using: &random)
                shuffled.prescriptions.shuffle(using: &random)
                shuffled.checks.shuffle(using: &random)
                #expect(Self.answers(shuffled) == reference, "seed \(seed)")
            }
            let alerts = scenario.alerts
            kindsSeen.formUnion(alerts.map(\.kind))
            #expect(Set(alerts.map(\.id)).count == alerts.count, "seed \(seed): two alerts share an id")
            var acknowledging = scenario
            acknowledging.acknowledged = Set(alerts.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id))
            let marked = acknowledging.alerts
            #expect(marked.map(\.id) == alerts.map(\.id) && marked.map(\.acknowledged) == alerts.indices.map { $0 % 2 == 0 }, "seed \(seed)")
        }
        #expect(kindsSeen == Set(CoverageAlert.Kind.allCases), "kinds never raised: \(Set(CoverageAlert.Kind.allCases).subtracting(kindsSeen))")
    }
}
