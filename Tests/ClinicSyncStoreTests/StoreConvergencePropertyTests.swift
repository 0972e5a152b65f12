import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import PropertyBased
import Testing

@Suite("Convergence of real SQLite stores")
struct StoreConvergencePropertyTests {
    @Test("random edits at 2-5 sites, exchanged partially, then fully with origins interleaved at random and duplicates, converge")
    func storesConverge() async throws {
        var runsWithConflicts = 0
        var runsWithAlerts = 0
        await propertyCheck(count: 25, input: Gen.int(in: 2...5), Gen.uint64()) { siteCount, seed in
            var random = Xoshiro(seed: (seed, ~seed, seed &* 7, 42))
            let directory = try TemporaryDirectory()
            let clock = ManualWallClock()
            let sites = try (0..<siteCount).map { try Fixtures.store("site-\($0)", in: directory, clock: clock) }
            // A few rows every site knows, so that concurrent edits of the same fields are frequent.
            for _ in 0..<3 { try sites[0].addAppointment(Fixtures.appointment()) }
            for site in sites.dropFirst() { try Fixtures.deliverAll(from: sites[0], to: site) }
            for _ in 0..<40 {
                clock.advance(by: UInt64.random(in: 0...3, using: &random))
                let site = sites.randomElement(using: &random)!
                try Self.randomOperation(at: site, peers: sites, using: &random)
            }
            for target in sites {
                // Each origin's changes in its own order (as the protocol sends them), origins
                // interleaved at random, with a random run of them delivered twice.
                var queues = try Dictionary(grouping: sites.flatMap { try $0.changes() }, by: \.origin)
                    .mapValues { Array(Set($0)).sorted { $0.sequence < $1.sequence } }
                var delivery: [Change] = []
                while let origin = queues.filter({ !$0.value.isEmpty }).keys.sorted().randomElement(using: &random) {
                    delivery.append(queues[origin]!.removeFirst())
                }
                delivery += delivery.prefix(Int.random(in: 0...delivery.count, using: &random))
                var start = 0
                while start < delivery.count {
                    let end = min(delivery.count, start + Int.random(in: 1...50, using: &random))
                    try target.apply(Array(delivery[start..<end]))
                    start = end
                }
            }
            let reference = try sites[0].canonicalDump()
            for site in sites.dropFirst() {
                #expect(try site.canonicalDump() == reference, "seed \(seed): \(site.siteID) diverged")
            }
            if try sites[0].conflictCount() > 0 { runsWithConflicts += 1 }
            // The alerts are a function of the merged tables: every site lists the same ones.
            let alerts = try sites.map { site in
                CoverageRules(try site.coverageSnapshot(Self.calendar).snapshot).alerts(identity: Self.identity).map { "\($0)" }
            }
            #expect(alerts.allSatisfy { $0 == alerts[0] }, "seed \(seed): sites list different alerts")
            if !alerts[0].isEmpty { runsWithAlerts += 1 }
        }
        #expect(runsWithConflicts >= 5, "only \(runsWithConflicts) of 25 runs produced a conflict")
        #expect(runsWithAlerts >= 5, "only \(runsWithAlerts) of 25 runs raised an alert")
    }

    static let calendar = CoverageCalendar(today: try! CalendarDate("2026-11-30", field: "today"), expiryWarningDays: 14) { $0.date }
    static let identity = AlertIdentity(sha256: { SiteChainCrypto().sha256($0) })

    static func randomOperation(at site: SiteStore, peers: [SiteStore], using random: inout Xoshiro) throws {
        if Int.random(in: 0...9, using: &random) < 8 {
            try randomLocalWrite(at: site, using: &random)
        } else {
            // A partial exchange with one peer: what it lacks, cut off after a random number.
            let peer = peers.randomElement(using: &random)!
            let fleet = TestFleet(([site] + peers).map(\.siteID))
            try fleet.deliver(from: site, to: peer, limit: Int.random(in: 1...30, using: &random))
        }
    }

    /// One random local write: a booking, a prescription, a delete, or an edit of one field.
    static func randomLocalWrite(at site: SiteStore, using random: inout Xoshiro) throws {
        let appointments = try site.appointments()
        switch Int.random(in: 0...7, using: &random) {
        case 0...1:
            try site.addAppointment(Fixtures.appointment())
        case 2:
            if Bool.random(using: &random) {
                try site.addPrescription(Fixtures.prescription())
            } else {
                try site.addCoverageCheck(Fixtures.coverageCheck(checkedOn: ["2026-11-02", "2026-11-03"].randomElement(using: &random)!))
            }
        case 3:
            guard let victim = appointments.randomElement(using: &random) else { return }
            try site.deleteAppointment(id: try RowID(victim.id))
        default:
            guard let target = appointments.randomElement(using: &random) else { return }
            let therapist = ["Sam", "Kim", "Alex"].randomElement(using: &random)!
            let status = AppointmentStatus.allCases.randomElement(using: &random)!
            let minutes = Int.random(in: 15...90, using: &random)
            let field = Int.random(in: 0...2, using: &random)
            do {
                try site.updateAppointment(id: try RowID(target.id)) { appointment in
                    switch field {
                    case 0: appointment.therapist = therapist
                    case 1: appointment.status = status
                    default: appointment.minutes = minutes
                    }
                }
            } catch StoreError.storedRowUnreadable {
                // A partial exchange can leave a row whose other fields have not arrived yet;
                // the store refuses to edit it, as it would for an operator.
            }
        }
    }
}
