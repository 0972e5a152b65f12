import Foundation
import Testing

@Suite("Clock skew between sites", .serialized)
struct ClockSkewTests {
    static let threeHoursAhead = ["CLINICSYNC_TEST_CLOCK_OFFSET_MS": String(3 * 3600 * 1000)]

    @Test("a site hours ahead is refused in both directions, nothing is applied, and status shows a clock problem")
    func fastSiteRefused() throws {
        let fast = try SiteProcess("fast"), normal = try SiteProcess("normal")
        try fast.configure(peers: [normal])
        try normal.configure(peers: [fast])
        try fast.start(environment: Self.threeHoursAhead)
        try normal.start()
        let result = try fast.cli.run([
            "appointment", "add", "--patient-id", "p1", "--patient-name", "N", "--therapist", "T",
            "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "30",
        ], environment: Self.threeHoursAhead)
        #expect(result.status == 0)

        let pulled = try normal.syncNow()
        #expect(pulled.status == 69)
        let pullError = try #require((pulled.report["peers"] as? [[String: Any]])?.first)
        #expect(pullError["clock_problem"] as? Bool == true)
        #expect((pullError["error"] as? String)?.contains("ahead of this site's clock") == true, "\(pullError)")
        #expect(try normal.changeCount() == 0, "nothing from the fast site was applied")
        let normalPeers = try #require(try normal.status()["peers"] as? [[String: Any]])
        #expect(normalPeers.first?["clock_problem"] as? Bool == true)

        let pushed = try fast.cli.run(["sync", "now", "--json"], environment: Self.threeHoursAhead)
        #expect(pushed.status == 69)
        #expect(pushed.stdout.contains("clock_skew"))
        let fastStatus = try JSONSerialization.jsonObject(with: Data(fast.cli.run(["status", "--json"], environment: Self.threeHoursAhead).stdout.utf8)) as? [String: Any]
        #expect(((fastStatus?["peers"] as? [[String: Any]])?.first?["clock_problem"] as? Bool) == true)
        #expect(try normal.changeCount() == 0)
    }

    @Test("a site whose clock jumps back keeps issuing increasing timestamps, across restarts too")
    func clockStepBack() throws {
        let site = try SiteProcess("stepper")
        try site.configure(peers: [])
        func add(_ environment: [String: String]) throws {
            let result = try site.cli.run([
                "appointment", "add", "--patient-id", "p1", "--patient-name", "N", "--therapist", "T",
                "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "30",
            ], environment: environment)
            #expect(result.status == 0)
        }
        try add(["CLINICSYNC_TEST_CLOCK_OFFSET_MS": String(2 * 3600 * 1000)])
        try add(["CLINICSYNC_TEST_CLOCK_OFFSET_MS": "0"])
        try site.start(environment: ["CLINICSYNC_TEST_CLOCK_OFFSET_MS": String(-3600 * 1000)])
        try add(["CLINICSYNC_TEST_CLOCK_OFFSET_MS": String(-3600 * 1000)])
        try site.cli.sqlite3("UPDATE appointments SET notes = 'from the front desk';")
        #expect(site.stop() == 0)
        let changes = try #require(try JSONSerialization.jsonObject(with: Data(site.cli.succeed(["changes", "--json"]).utf8)) as? [[String: Any]])
        // In the order the site made them (its sequence), whatever its clock said.
        let ordered = changes.sorted { ($0["seq"] as? Int ?? 0) < ($1["seq"] as? Int ?? 0) }
        let stamps = ordered.compactMap { ($0["hlc"] as? NSNumber)?.int64Value }
        #expect(stamps.count == 6)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 }, "timestamps must strictly increase")
    }
}
