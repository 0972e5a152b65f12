import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Finding 7 of the change-log v2 issue: a site restored from a backup gets back, from its peers,
/// the changes it made after the backup, and never gives a number or timestamp twice.
@Suite("Restoring a site from a backup", .serialized)
struct RestoreTests {
    static func changes(_ site: SiteProcess, origin: String) throws -> [ChangeView] {
        try site.cli.decode([ChangeView].self, ["changes", "--origin", origin, "--json", "--limit", "100000"])
    }

    @Test("a ClinicSync 1 backup with writes it had not recorded is refused, naming the way out; restored with --keep-unstamped-writes")
    func versionOneBackupWithUnstampedWrites() throws {
        let beta = try SiteProcess("beta")
        let backup = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/v1/beta.sqlite").path
        let live = beta.cli.directory + "/data/beta.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: live))
        let refused = try beta.cli.run(["restore", "--from", backup])
        #expect(
            refused.status == 78 && refused.stderr.contains("1 write(s)") && refused.stderr.contains("--keep-unstamped-writes"),
            "\(refused.status) \(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: live)) == before)
        // The database it would replace ran this version: its numbers could clash, so no override.
        let overridden = try beta.cli.run(["restore", "--from", backup, "--keep-unstamped-writes"])
        #expect(overridden.status == 78 && overridden.stderr.contains("does not apply"), "\(overridden.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: live)) == before)
        // The disk was lost with the site still on version 1: no database to replace.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: live + suffix) }
        try beta.cli.succeed(["restore", "--from", backup, "--keep-unstamped-writes"])
        // The write another program made at beta, which version 1 had not recorded, is the site's first change.
        let shown = try beta.cli.succeed(["appointment", "show", "bbbfe76b-7494-4fd5-9d56-acad456769a9", "--json"])
        #expect(shown.contains("pending from front desk"))
        #expect(try Self.changes(beta, origin: "beta").contains { $0.sequence == 1 })
        #expect(try beta.cli.run(["check"]).status == 0)
    }

    @Test("restore, write at once, sync: the lost changes come back, the new one reaches the peer, nothing collides")
    func restoreRecoversLaterChanges() throws {
        let a = try SiteProcess("site-a")
        let b = try SiteProcess("site-b")
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
        let lostStamps = try Self.changes(b, origin: "site-a").map(\.hlc)

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

        let restored = try a.cli.decode(RestoreResult.self, ["restore", "--from", backup, "--json"])
        #expect(restored.recoveringFrom == ["site-b"])
        let replaced = try #require(restored.replacedDatabase)
        #expect(FileManager.default.fileExists(atPath: replaced))
        #expect(try a.cli.run(["appointment", "show", lost]).status == 66, "the backup predates it")
        #expect((try a.status().recoveringFrom) == ["site-b"])
        // The site keeps working before it has recovered anything; what it writes is signed once it has.
        let fresh = try a.addAppointment(patient: "p3")
        #expect(try a.status().unsealedChanges == 1)
        #expect(try a.cli.succeed(["status"]).contains("1 change(s) of this site not signed yet"))

        #expect(try a.syncNow().status == 0)
        for site in [a, b] {
            #expect(try site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
            #expect(try site.cli.succeed(["appointment", "show", booked, "--json"]).contains("after the backup"))
            #expect(try site.cli.run(["check"]).status == 0)
        }
        #expect(try a.state() == b.state())
        #expect((try a.status().recoveringFrom) == [])
        #expect(try a.status().unsealedChanges == 0)
        // Every change of site-a has its own number and a timestamp never given before.
        let atB = try Self.changes(b, origin: "site-a")
        let numbers = atB.map(\.sequence)
        #expect(numbers.count == 4 && Set(numbers).count == 4, "\(numbers)")
        let freshStamp = try #require(atB.first { $0.rowID == fresh }?.hlc)
        #expect(lostStamps.allSatisfy { $0 < freshStamp })
        #expect(try Self.changes(a, origin: "site-a").count == 4)
    }

    @Test("a site restored while its only peer calls in (behind NAT, never called) recovers from that peer's calls")
    func recoversFromAPeerThatCallsIn() throws {
        let a = try SiteProcess("site-a")
        let b = try SiteProcess("site-b")
        try a.configure(peers: [b])
        try b.configure(peers: [a])
        try a.start()  // b runs no daemon: nothing listens where a would call it
        let backup = a.cli.directory + "/backup.sqlite"
        _ = try a.addAppointment(patient: "p1")
        try a.cli.succeed(["backup", "--to", backup])
        let lost = try a.addAppointment(patient: "p2")
        #expect(try b.syncNow().status == 0, "b calls in and gets the change the disk will lose")
        #expect(a.stop() == 0)
        try a.cli.succeed(["restore", "--from", backup])
        try a.start()
        #expect((try a.status().recoveringFrom) == ["site-b"])
        let fresh = try a.addAppointment(patient: "p3")
        // b pushes the lost change back; its next call tells a it holds nothing more of a's.
        #expect(try b.syncNow().status == 0)
        #expect(try b.syncNow().status == 0)
        #expect((try a.status().recoveringFrom) == [])
        #expect(try b.syncNow().status == 0, "a's new booking, signed now, reaches b")
        for site in [a, b] {
            #expect(try site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
        }
        #expect(try a.state() == b.state())
        #expect(a.stop() == 0)
    }

    @Test("a third site syncing with the restored one before it has recovered still gets the lost changes later")
    func thirdSiteDuringRecovery() throws {
        let hub = try SiteProcess("hub")
        let keeper = try SiteProcess("keeper")
        let spoke = try SiteProcess("spoke")
        try hub.configure(peers: [keeper, spoke])
        try keeper.configure(peers: [hub])
        try spoke.configure(peers: [hub])
        for site in [hub, keeper, spoke] { try site.start() }
        _ = try hub.addAppointment(patient: "p1")
        #expect(try hub.syncNow().status == 0)
        let backup = hub.cli.directory + "/backup.sqlite"
        try hub.cli.succeed(["backup", "--to", backup])
        let lost = try hub.addAppointment(patient: "p2")
        #expect(try hub.syncNow(["--peer", "keeper"]).status == 0, "only the keeper gets it before the loss")
        #expect(hub.stop() == 0)
        #expect(keeper.stop() == 0)
        try hub.cli.succeed(["restore", "--from", backup])
        let fresh = try hub.addAppointment(patient: "p3")
        try hub.start()
        // The spoke syncs with the hub while the hub cannot reach the keeper to recover.
        #expect(try spoke.syncNow().status == 0)
        #expect(try spoke.cli.run(["appointment", "show", fresh]).status == 66, "new changes wait until the hub has recovered")
        try keeper.start()
        #expect(try hub.syncNow().status == 0)
        #expect((try hub.status().recoveringFrom) == [])
        #expect(try spoke.syncNow().status == 0)
        for site in [hub, keeper, spoke] {
            #expect(try site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
        }
        #expect(try hub.state() == keeper.state() && keeper.state() == spoke.state())
    }

    @Test("restoring twice never gives a change number twice")
    func restoreTwice() throws {
        let a = try SiteProcess("site-a")
        let b = try SiteProcess("site-b")
        try a.configure(peers: [b])
        try b.configure(peers: [a])
        try b.start()
        _ = try a.addAppointment(patient: "p1")
        let backup = a.cli.directory + "/backup.sqlite"
        try a.cli.succeed(["backup", "--to", backup])
        try a.cli.succeed(["restore", "--from", backup])
        let first = try a.addAppointment(patient: "p2")
        #expect(try a.syncNow().status == 0, "b holds the first restore's write")
        try a.cli.succeed(["restore", "--from", backup])
        let second = try a.addAppointment(patient: "p3")
        #expect(try a.syncNow().status == 0)
        for id in [first, second] { #expect(try b.cli.run(["appointment", "show", id]).status == 0, "b lacks \(id)") }
        let numbers = try Self.changes(b, origin: "site-a").map(\.sequence)
        #expect(Set(numbers).count == numbers.count && numbers.count == 3, "\(numbers)")
    }
}
