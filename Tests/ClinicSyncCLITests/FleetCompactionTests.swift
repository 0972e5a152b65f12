import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Regression tests for finding 6 of the change-log v2 issue: compaction waits for every site of
/// the fleet (learned through relays and from peers that only call out), follows reloads, and is
/// not stuck for a site that joins late.
@Suite("Compaction across the fleet", .serialized)
struct FleetCompactionTests {
    @Test("in a line a-b-c, a waits for c, which it knows of only through b, and journals stay identical")
    func lineWaitsForTheFarSite() async throws {
        // Live sync off: the two therapist edits below must stay concurrent until b syncs.
        let line = try await SiteProcess.line("site-a", "site-b", "site-c", live: false)
        let (a, b, c) = (line[0], line[1], line[2])
        // c is down for now: b has it configured, so the fleet includes it.
        for site in [a, b] { try await site.start() }
        let shared = try await a.addAppointment()
        for note in 1...5 { try await a.cli.succeed(["appointment", "update", shared, "--notes", "visit \(note)"]) }
        #expect(try await b.syncNow(["--peer", "site-a"]).status == 0)
        // b holds everything, but c (b's other peer) does not: a compacting here would lose the
        // journal entry of any edit c made concurrently.
        let held = try await a.compact()
        #expect(held.removed == 0 && held.waiting?.contains("site 'site-c'") == true, "\(held)")
        try await c.start()
        try await c.cli.succeed([
            "appointment", "add", "--patient-id", "p2", "--patient-name", "N", "--therapist", "T",
            "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "30",
        ])
        #expect(try await b.syncNow().status == 0)
        #expect(try await c.syncNow().status == 0)
        try await c.cli.succeed(["appointment", "update", shared, "--therapist", "Kim"])
        try await a.cli.succeed(["appointment", "update", shared, "--therapist", "Alex"])
        #expect(try await b.syncNow().status == 0)
        let compacted = try await a.compact()
        #expect(compacted.removed == 4 && compacted.waiting == nil, "notes 1-4 are superseded everywhere: \(compacted)")
        for site in [b, c] { _ = try await site.compact() }
        #expect(try await b.syncNow().status == 0)
        #expect(try await Set([a.state(), b.state(), c.state()]).count == 1)
        for site in [a, b, c] { #expect(try await site.cli.run(["check"]).status == 0) }
    }

    @Test("a peer that only calls out (behind NAT) still lets the site it calls compact")
    func calleeRecordsCallersAcknowledgement() async throws {
        let office = try await SiteProcess("office")
        let laptop = try await SiteProcess("laptop")
        // The office cannot reach the laptop (nothing listens at its address); the laptop calls in.
        try await office.configure(peers: [laptop])
        try await laptop.configure(peers: [office])
        try await office.start()
        let id = try await office.addAppointment()
        for note in 1...3 { try await office.cli.succeed(["appointment", "update", id, "--notes", "n\(note)"]) }
        #expect(try await office.syncNow().status == 69, "the laptop is unreachable")
        #expect(try await laptop.syncNow().status == 0)
        let outcome = try await office.compact()
        #expect(outcome.removed == 2 && outcome.waiting == nil, "\(outcome)")
    }

    @Test("the daemon's compaction follows reloads: an added peer is waited for, a removed one no longer holds it back")
    func compactionFollowsReload() async throws {
        let hub = try await SiteProcess("hub")
        let spoke = try await SiteProcess("spoke")
        let newcomer = try await SiteProcess("newcomer")
        let everySecond = "compaction:\n  interval_seconds: 1\n"
        try await hub.configure(peers: [spoke], extra: everySecond)
        try await spoke.configure(peers: [hub])
        try await hub.start()
        try await spoke.start()
        let id = try await hub.addAppointment()
        try await hub.cli.succeed(["appointment", "update", id, "--notes", "first"])
        try await hub.cli.succeed(["appointment", "update", id, "--notes", "second"])
        #expect(try await hub.syncNow().status == 0)
        #expect(try await hub.waitForLog("removed=1"), "the superseded note is compacted: \(hub.log())")
        try await hub.configure(peers: [spoke, newcomer], extra: everySecond)
        hub.reload()
        #expect(try await hub.waitForLog("site 'newcomer' has not reported"), "an added peer is waited for: \(hub.log())")
        try await hub.configure(peers: [spoke], extra: everySecond)
        hub.reload()
        let compactionsBefore = hub.log().components(separatedBy: "removed=1").count
        try await hub.cli.succeed(["appointment", "update", id, "--notes", "third"])
        #expect(try await hub.syncNow().status == 0)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, hub.log().components(separatedBy: "removed=1").count == compactionsBefore {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
            hub.log().components(separatedBy: "removed=1").count > compactionsBefore,
            "a removed peer no longer holds compaction back: \(hub.log())")
        #expect(await hub.stop() == 0)
    }
}
