import Foundation
import Testing

/// Finding 7 of the change-log v2 issue: a site restored from a backup gets back, from its peers,
/// the changes it made after the backup, and never gives a number or timestamp twice.
@Suite("Restoring a site from a backup", .serialized)
struct RestoreTests {
    static func changes(_ site: SiteProcess, origin: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(
            with: Data(site.cli.succeed(["changes", "--origin", origin, "--json", "--limit", "100000"]).utf8)) as? [[String: Any]])
    }

    @Test("restore, write at once, sync: the lost changes come back, the new one reaches the peer, nothing collides")
    func restoreRecoversLaterChanges() throws {
        let a = try SiteProcess("site-a"), b = try SiteProcess("site-b")
        try a.configure(peers: [b])
        try b.configure(peers: [a])
        try a.start()
        try b.start()
        let booked = try a.addAppointment(patient: "p1")
        #expect(try a.syncNow().status == 0)
        let backup = a.cli.directory + "/backup.sqlite"
        try a.cli.succeed(["backup", "--to", backup])
        // Changes after the backup, which reach b before a's disk is lost.
        try a.cli.succeed(["appointment", "update", booked, "--notes", "after the backup"])
        let lost = try a.addAppointment(patient: "p2")
        #expect(try a.syncNow().status == 0)
        let lostStamps = try Self.changes(b, origin: "site-a").compactMap { $0["hlc"] as? Int }

        // Bad restores are refused and change nothing.
        let whileRunning = try a.cli.run(["restore", "--from", backup])
        #expect(whileRunning.status != 0 && whileRunning.stderr.contains("stop it first"), "\(whileRunning.stderr)")
        #expect(try a.cli.run(["appointment", "show", lost]).status == 0)
        #expect(a.stop() == 0)
        let foreign = b.cli.directory + "/b-backup.sqlite"
        try b.cli.succeed(["backup", "--to", foreign])
        let wrongSite = try a.cli.run(["restore", "--from", foreign])
        #expect(wrongSite.status != 0 && wrongSite.stderr.contains("site-b"), "\(wrongSite.stderr)")
        #expect(try a.cli.run(["restore", "--from", a.cli.directory + "/missing.sqlite"]).status != 0)
        #expect(try a.cli.run(["appointment", "show", lost]).status == 0, "a refused restore leaves the database alone")

        let restored = try #require(try JSONSerialization.jsonObject(
            with: Data(a.cli.succeed(["restore", "--from", backup, "--json"]).utf8)) as? [String: Any])
        #expect(restored["recovering_from"] as? [String] == ["site-b"])
        let replaced = try #require(restored["replaced_database"] as? String)
        #expect(FileManager.default.fileExists(atPath: replaced))
        #expect(try a.cli.run(["appointment", "show", lost]).status == 66, "the backup predates it")
        #expect((try a.status()["recovering_from"] as? [String]) == ["site-b"])
        // The site keeps working before it has recovered anything.
        let fresh = try a.addAppointment(patient: "p3")

        #expect(try a.syncNow().status == 0)
        for site in [a, b] {
            #expect(try site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
            #expect(try site.cli.succeed(["appointment", "show", booked, "--json"]).contains("after the backup"))
            #expect(try site.cli.run(["check"]).status == 0)
        }
        #expect(try a.state() == b.state())
        #expect((try a.status()["recovering_from"] as? [String]) == [])
        // Every change of site-a has its own number and a timestamp never given before.
        let atB = try Self.changes(b, origin: "site-a")
        let numbers = atB.compactMap { $0["seq"] as? Int }
        #expect(numbers.count == 4 && Set(numbers).count == 4, "\(numbers)")
        let freshStamp = try #require(atB.first { ($0["row_id"] as? String) == fresh }?["hlc"] as? Int)
        #expect(lostStamps.allSatisfy { $0 < freshStamp })
        #expect(try Self.changes(a, origin: "site-a").count == 4)
    }
}
