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
    func lineWaitsForTheFarSite() throws {
        let line = try SiteProcess.line("site-a", "site-b", "site-c")
        let (a, b, c) = (line[0], line[1], line[2])
        // c is down for now: b has it configured, so the fleet includes it.
        for site in [a, b] { try site.start() }
        let shared = try a.addAppointment()
        for note in 1...5 { try a.cli.succeed(["appointment", "update", shared, "--notes", "visit \(note)"]) }
        #expect(try b.syncNow(["--peer", "site-a"]).status == 0)
        // b holds everything, but c (b's other peer) does not: a compacting here would lose the
        // journal entry of any edit c made concurrently.
        let held = try a.compact()
        #expect(held.removed == 0 && held.waiting?.contains("site 'site-c'") == true, "\(held)")
        try c.start()
        try c.cli.succeed([
            "appointment", "add", "--patient-id", "p2", "--patient-name", "N", "--therapist", "T",
            "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "30",
        ])
        #expect(try b.syncNow().status == 0)
        #expect(try c.syncNow().status == 0)
        try c.cli.succeed(["appointment", "update", shared, "--therapist", "Kim"])
        try a.cli.succeed(["appointment", "update", shared, "--therapist", "Alex"])
        #expect(try b.syncNow().status == 0)
        let compacted = try a.compact()
        #expect(compacted.removed == 4 && compacted.waiting == nil, "notes 1-4 are superseded everywhere: \(compacted)")
        for site in [b, c] { _ = try site.compact() }
        #expect(try b.syncNow().status == 0)
        #expect(try a.state() == b.state() && b.state() == c.state())
        for site in [a, b, c] { #expect(try site.cli.run(["check"]).status == 0) }
    }

    @Test("a peer that only calls out (behind NAT) still lets the site it calls compact")
    func calleeRecordsCallersAcknowledgement() throws {
        let office = try SiteProcess("office")
        let laptop = try SiteProcess("laptop")
        // The office cannot reach the laptop (nothing listens at its address); the laptop calls in.
        try office.configure(peers: [laptop])
        try laptop.configure(peers: [office])
        try office.start()
        let id = try office.addAppointment()
        for note in 1...3 { try office.cli.succeed(["appointment", "update", id, "--notes", "n\(note)"]) }
        #expect(try office.syncNow().status == 69, "the laptop is unreachable")
        #expect(try laptop.syncNow().status == 0)
        let outcome = try office.compact()
        #expect(outcome.removed == 2 && outcome.waiting == nil, "\(outcome)")
    }

    @Test("the daemon's compaction follows reloads: an added peer is waited for, a removed one no longer holds it back")
    func compactionFollowsReload() throws {
        let hub = try SiteProcess("hub")
        let spoke = try SiteProcess("spoke")
        let newcomer = try SiteProcess("newcomer")
        let everySecond = "compaction:\n  interval_seconds: 1\n"
        try hub.configure(peers: [spoke], extra: everySecond)
        try spoke.configure(peers: [hub])
        try hub.start()
        try spoke.start()
        let id = try hub.addAppointment()
        try hub.cli.succeed(["appointment", "update", id, "--notes", "first"])
        try hub.cli.succeed(["appointment", "update", id, "--notes", "second"])
        #expect(try hub.syncNow().status == 0)
        #expect(hub.waitForLog("removed=1"), "the superseded note is compacted: \(hub.log())")
        try hub.configure(peers: [spoke, newcomer], extra: everySecond)
        hub.reload()
        #expect(hub.waitForLog("site 'newcomer' has not reported"), "an added peer is waited for: \(hub.log())")
        try hub.configure(peers: [spoke], extra: everySecond)
        hub.reload()
        let compactionsBefore = hub.log().components(separatedBy: "removed=1").count
        try hub.cli.succeed(["appointment", "update", id, "--notes", "third"])
        #expect(try hub.syncNow().status == 0)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, hub.log().components(separatedBy: "removed=1").count == compactionsBefore { usleep(100_000) }
        #expect(
            hub.log().components(separatedBy: "removed=1").count > compactionsBefore,
            "a removed peer no longer holds compaction back: \(hub.log())")
        #expect(hub.stop() == 0)
    }
}
