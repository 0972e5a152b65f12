import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Change-log compaction", .serialized)
struct CompactionTests {
    @Test("after compacting, a peer that was offline still converges, and a new site still gets everything")
    func offlinePeerConverges() async throws {
        let a = try await SiteProcess("site-a")
        let b = try await SiteProcess("site-b")
        let c = try await SiteProcess("site-c")
        for site in [a, b, c] { try await site.configure(peers: [a, b, c].filter { $0 !== site }) }
        for site in [a, b, c] { try await site.start() }
        let shared = try await a.addAppointment()
        for note in 1...10 { try await a.cli.succeed(["appointment", "update", shared, "--notes", "visit \(note)"]) }
        #expect(try await a.syncNow().status == 0)
        // Nothing is compacted until every peer has acknowledged.
        let first = try await a.cli.succeed(["compact"])
        #expect(first.contains("Removed 9 of 11"), "\(first)")
        await c.stop()
        for note in 11...20 { try await a.cli.succeed(["appointment", "update", shared, "--notes", "visit \(note)"]) }
        try await b.cli.succeed(["appointment", "update", shared, "--therapist", "Kim"])
        #expect(try await b.syncNow(["--peer", "site-a"]).status == 0)
        let before = try await a.changeCount()
        let second = try await a.compact()
        let removed = second.removed
        // Only what site-c had acknowledged goes: the old winner of notes ("visit 10"). The insert
        // stays (it still holds most fields); the notes site-c has not seen stay.
        #expect(removed == 1, "\(second)")
        #expect(try await a.changeCount() == before - 1)
        try await c.start()
        #expect(try await c.syncNow().status == 0)
        #expect(try await a.syncNow().status == 0)
        #expect(try await Set([a.state(), b.state(), c.state()]).count == 1)
        let third = try await a.cli.succeed(["compact"])
        #expect(third.contains("Removed 9 of"), "\(third)")
        for site in [a, b, c] { #expect(try await site.cli.run(["check"]).status == 0) }

        // A site that joins after compaction receives the current state of every field.
        let late = try await SiteProcess("site-d")
        try await late.configure(peers: [a], fleet: [b, c])
        try await a.configure(peers: [b, c, late])
        await a.stop()
        try await a.start()
        #expect(try await late.syncNow().status == 0)
        let show = try await late.cli.succeed(["appointment", "show", shared, "--json"])
        #expect(show.contains("visit 20") && show.contains("Kim"))
        #expect(try await late.cli.succeed(["appointment", "list", "--json"]) == a.cli.succeed(["appointment", "list", "--json"]))
        // Finding 6: site-b's newest change (therapist Kim) was superseded and compacted before
        // site-d joined; site-d still holds site-b up to it, so neither site is held back for ever.
        try await a.cli.succeed(["appointment", "update", shared, "--therapist", "Lee"])
        // (site-d has no daemon: b and c call a, and site-d calls a, so that every site reports.)
        for site in [b, c, late] { #expect(try await site.syncNow().status == 0) }
        #expect(try await b.syncNow().status == 0)
        #expect(try await a.compact().removed >= 1)
        #expect(
            try await a.cli.succeed(["changes", "--origin", "site-b", "--json"]).filter { $0 == "{" }.isEmpty,
            "site-b's only change is compacted at site-a")
        let joiner = try await SiteProcess("site-e")
        try await joiner.configure(peers: [a], fleet: [b, c, late])
        try await a.configure(peers: [b, c, late, joiner])
        await a.stop()
        try await a.start()
        #expect(try await joiner.syncNow().status == 0)
        #expect(try await joiner.status().holds == a.status().holds)
        #expect(try await joiner.compact().waiting == nil)
        #expect(try await late.syncNow().status == 0)
        #expect(try await a.status().compaction == "ready")
    }
}
