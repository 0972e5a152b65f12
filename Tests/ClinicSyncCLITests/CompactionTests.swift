import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Change-log compaction", .serialized)
struct CompactionTests {
    @Test("after compacting, a peer that was offline still converges, and a new site still gets everything")
    func offlinePeerConverges() throws {
        let a = try SiteProcess("site-a")
        let b = try SiteProcess("site-b")
        let c = try SiteProcess("site-c")
        for site in [a, b, c] { try site.configure(peers: [a, b, c].filter { $0 !== site }) }
        for site in [a, b, c] { try site.start() }
        let shared = try a.addAppointment()
        for note in 1...10 { try a.cli.succeed(["appointment", "update", shared, "--notes", "visit \(note)"]) }
        #expect(try a.syncNow().status == 0)
        // Nothing is compacted until every peer has acknowledged.
        let first = try a.cli.succeed(["compact"])
        #expect(first.contains("Removed 9 of 11"), "\(first)")
        c.stop()
        for note in 11...20 { try a.cli.succeed(["appointment", "update", shared, "--notes", "visit \(note)"]) }
        try b.cli.succeed(["appointment", "update", shared, "--therapist", "Kim"])
        #expect(try b.syncNow(["--peer", "site-a"]).status == 0)
        let before = try a.changeCount()
        let second = try a.compact()
        let removed = second.removed
        // Only what site-c had acknowledged goes: the old winner of notes ("visit 10"). The insert
        // stays (it still holds most fields); the notes site-c has not seen stay.
        #expect(removed == 1, "\(second)")
        #expect(try a.changeCount() == before - 1)
        try c.start()
        #expect(try c.syncNow().status == 0)
        #expect(try a.syncNow().status == 0)
        #expect(try a.state() == b.state() && b.state() == c.state())
        let third = try a.cli.succeed(["compact"])
        #expect(third.contains("Removed 9 of"), "\(third)")
        for site in [a, b, c] { #expect(try site.cli.run(["check"]).status == 0) }

        // A site that joins after compaction receives the current state of every field.
        let late = try SiteProcess("site-d")
        try late.configure(peers: [a], fleet: [b, c])
        try a.configure(peers: [b, c, late])
        a.stop()
        try a.start()
        #expect(try late.syncNow().status == 0)
        let show = try late.cli.succeed(["appointment", "show", shared, "--json"])
        #expect(show.contains("visit 20") && show.contains("Kim"))
        #expect(try late.cli.succeed(["appointment", "list", "--json"]) == a.cli.succeed(["appointment", "list", "--json"]))
        // Finding 6: site-b's newest change (therapist Kim) was superseded and compacted before
        // site-d joined; site-d still holds site-b up to it, so neither site is held back for ever.
        try a.cli.succeed(["appointment", "update", shared, "--therapist", "Lee"])
        // (site-d has no daemon: b and c call a, and site-d calls a, so that every site reports.)
        for site in [b, c, late] { #expect(try site.syncNow().status == 0) }
        #expect(try b.syncNow().status == 0)
        #expect(try a.compact().removed >= 1)
        #expect(
            try a.cli.succeed(["changes", "--origin", "site-b", "--json"]).filter { $0 == "{" }.isEmpty,
            "site-b's only change is compacted at site-a")
        let joiner = try SiteProcess("site-e")
        try joiner.configure(peers: [a], fleet: [b, c, late])
        try a.configure(peers: [b, c, late, joiner])
        a.stop()
        try a.start()
        #expect(try joiner.syncNow().status == 0)
        #expect(try joiner.status().holds == a.status().holds)
        #expect(try joiner.compact().waiting == nil)
        #expect(try late.syncNow().status == 0)
        #expect(try a.status().compaction == "ready")
    }
}
