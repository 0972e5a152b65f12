import Foundation
import Testing

@Suite("Flow control: one bad answer or origin stops nothing else")
struct FlowControlTests {
    @Test("a pull refused because the peer's answer is malformed does not stop the push; the refusal is still reported")
    func pushRunsAfterRefusedPull() throws {
        let fake = try FakePeer(name: "fake")
        let site = try SiteProcess("north")
        try site.configure(peers: [], others: [(fake.name, fake.url)])
        let booking = try site.addAppointment()
        let round = try site.syncNow()
        #expect(round.status != 0, "the refused pull is reported")
        let peer = try #require((round.report["peers"] as? [[String: Any]])?.first)
        #expect((peer["error"] as? String)?.contains("not valid") == true, "\(peer)")
        let pushed = fake.pushes().flatMap { ($0["changes"] as? [[String: Any]]) ?? [] }
        #expect(pushed.contains { $0["row_id"] as? String == booking }, "\(fake.pushes())")
    }

    /// Finding 5 of the "sync keeps flowing" issue: a copy of a site's database (a cloned disk or
    /// VM) runs under the same site id; each copy numbers its new changes from the same point.
    @Test("a copy of a site's database writing under the same site id is recognised at both ends, held, and released by an operator")
    func clonedDatabaseIsRecognised() throws {
        let original = try SiteProcess("alpha"), clone = try SiteProcess("alpha"), beta = try SiteProcess("beta")
        try original.configure(peers: [beta])
        try clone.configure(peers: [beta])
        try beta.configure(peers: [original])
        try original.addAppointment(patient: "p1")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: clone.cli.databasePath + suffix) }
        _ = try original.cli.succeed(["backup", "--to", clone.cli.databasePath])
        let fromOriginal = try original.addAppointment(patient: "p2")
        let fromClone = try clone.addAppointment(patient: "p3")
        try beta.start()
        #expect(try original.syncNow().status == 0)
        _ = try clone.syncNow()
        // beta names the site and what it saw, and holds the site's changes.
        let conflicts = try beta.status()["identity_conflicts"] as? [String: String] ?? [:]
        #expect(conflicts["alpha"]?.contains("numbered change") == true, "\(conflicts)")
        let cloneConflicts = try clone.status()["identity_conflicts"] as? [String: String] ?? [:]
        #expect(cloneConflicts["alpha"] != nil, "the copy learns of the other database too: \(cloneConflicts)")
        let later = try original.addAppointment(patient: "p4")
        _ = try original.syncNow()
        let atBeta = try beta.appointmentIDs()
        #expect(atBeta.contains(fromOriginal) && !atBeta.contains(fromClone) && !atBeta.contains(later), "\(atBeta)")
        // The operator retires the copy and clears the conflict: the original's changes flow again.
        #expect(clone.stop() == 0)
        _ = try beta.cli.succeed(["identity", "clear-conflict", "alpha"])
        #expect(try original.syncNow().status == 0)
        #expect(try beta.appointmentIDs().contains(later))
        let again = try beta.cli.run(["identity", "clear-conflict", "alpha"])
        #expect(again.status == 66 && again.stderr.contains("no identity conflict"), "\(again.stderr)")
    }
}
