import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Finding 7 of the change-log v2 issue: a site restored from a backup gets back, from its peers,
/// the changes it made after the backup, and never gives a number or timestamp twice.
@Suite("Restoring a site from a backup", .serialized)
struct RestoreTests {
    static func changes(_ site: SiteProcess, origin: String) async throws -> [ChangeView] {
        try await site.cli.decode([ChangeView].self, ["changes", "--origin", origin, "--json", "--limit", "100000"])
    }

    @Test("a ClinicSync 1 backup with writes it had not recorded is refused, naming the way out; restored with --keep-unstamped-writes")
    func versionOneBackupWithUnstampedWrites() async throws {
        let beta = try await SiteProcess("beta")
        let backup = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/v1/beta.sqlite").path
        let live = beta.cli.directory + "/data/beta.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: live))
        let refused = try await beta.cli.run(["restore", "--from", backup])
        #expect(
            refused.status == 78 && refused.stderr.contains("1 write(s)") && refused.stderr.contains("--keep-unstamped-writes"),
            "\(refused.status) \(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: live)) == before)
        // The database it would replace ran this version: its numbers could clash, so no override.
        let overridden = try await beta.cli.run(["restore", "--from", backup, "--keep-unstamped-writes"])
        #expect(overridden.status == 78 && overridden.stderr.contains("does not apply"), "\(overridden.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: live)) == before)
        // The disk was lost with the site still on version 1: no database to replace.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: live + suffix) }
        try await beta.cli.succeed(["restore", "--from", backup, "--keep-unstamped-writes"])
        // The write another program made at beta, which version 1 had not recorded, is the site's first change.
        let shown = try await beta.cli.succeed(["appointment", "show", "bbbfe76b-7494-4fd5-9d56-acad456769a9", "--json"])
        #expect(shown.contains("pending from front desk"))
        #expect(try await Self.changes(beta, origin: "beta").contains { $0.sequence == 1 })
        #expect(try await beta.cli.run(["check"]).status == 0)
    }

    @Test("restore, write at once, sync: the lost changes come back, the new one reaches the peer, nothing collides")
    func restoreRecoversLaterChanges() async throws {
        let a = try await SiteProcess("site-a")
        let b = try await SiteProcess("site-b")
        try await a.configure(peers: [b])
        try await b.configure(peers: [a])
        try await a.start()
        try await b.start()
        let booked = try await a.addAppointment(patient: "p1")
        #expect(try await a.syncNow().status == 0)
        let backup = a.cli.directory + "/backup.sqlite"
        try await a.cli.succeed(["backup", "--to", backup])
        // Changes after the backup, which reach b before a's disk is lost.
        try await a.cli.succeed(["appointment", "update", booked, "--notes", "after the backup"])
        let lost = try await a.addAppointment(patient: "p2")
        #expect(try await a.syncNow().status == 0)
        let lostStamps = try await Self.changes(b, origin: "site-a").map(\.hlc)

        // Bad restores are refused and change nothing.
        let whileRunning = try await a.cli.run(["restore", "--from", backup])
        #expect(whileRunning.status != 0 && whileRunning.stderr.contains("stop it first"), "\(whileRunning.stderr)")
        #expect(try await a.cli.run(["appointment", "show", lost]).status == 0)
        #expect(await a.stop() == 0)
        let foreign = b.cli.directory + "/b-backup.sqlite"
        try await b.cli.succeed(["backup", "--to", foreign])
        let wrongSite = try await a.cli.run(["restore", "--from", foreign])
        #expect(wrongSite.status != 0 && wrongSite.stderr.contains("site-b"), "\(wrongSite.stderr)")
        #expect(try await a.cli.run(["restore", "--from", a.cli.directory + "/missing.sqlite"]).status != 0)
        #expect(try await a.cli.run(["appointment", "show", lost]).status == 0, "a refused restore leaves the database alone")

        let restored = try await a.cli.decode(
            RestoreResult.self, ["restore", "--from", backup, "--json"],
            keys: ["backup_sequence", "database", "next_sequence", "recovering_from", "replaced_database", "restored_from"])
        #expect(restored.recoveringFrom == ["site-b"])
        let replaced = try #require(restored.replacedDatabase)
        #expect(FileManager.default.fileExists(atPath: replaced))
        #expect(try await a.cli.run(["appointment", "show", lost]).status == 66, "the backup predates it")
        #expect((try await a.status().recoveringFrom) == ["site-b"])
        // The site keeps working before it has recovered anything; what it writes is signed once it has.
        let fresh = try await a.addAppointment(patient: "p3")
        #expect(try await a.status().unsealedChanges == 1)
        #expect(try await a.cli.succeed(["status"]).contains("1 change(s) of this site not signed yet"))

        #expect(try await a.syncNow().status == 0)
        for site in [a, b] {
            #expect(try await site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try await site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
            #expect(try await site.cli.succeed(["appointment", "show", booked, "--json"]).contains("after the backup"))
            #expect(try await site.cli.run(["check"]).status == 0)
        }
        #expect(try await a.state() == b.state())
        #expect((try await a.status().recoveringFrom) == [])
        #expect(try await a.status().unsealedChanges == 0)
        // Every change of site-a has its own number and a timestamp never given before.
        let atB = try await Self.changes(b, origin: "site-a")
        let numbers = atB.map(\.sequence)
        #expect(numbers.count == 4 && Set(numbers).count == 4, "\(numbers)")
        let freshStamp = try #require(atB.first { $0.rowID == fresh }?.hlc)
        #expect(lostStamps.allSatisfy { $0 < freshStamp })
        #expect(try await Self.changes(a, origin: "site-a").count == 4)
    }

    @Test("a site restored while its only peer calls in (behind NAT, never called) recovers from that peer's calls")
    func recoversFromAPeerThatCallsIn() async throws {
        let a = try await SiteProcess("site-a")
        let b = try await SiteProcess("site-b")
        try await a.configure(peers: [b])
        try await b.configure(peers: [a])
        try await a.start()  // b runs no daemon: nothing listens where a would call it
        let backup = a.cli.directory + "/backup.sqlite"
        _ = try await a.addAppointment(patient: "p1")
        try await a.cli.succeed(["backup", "--to", backup])
        let lost = try await a.addAppointment(patient: "p2")
        #expect(try await b.syncNow().status == 0, "b calls in and gets the change the disk will lose")
        #expect(await a.stop() == 0)
        try await a.cli.succeed(["restore", "--from", backup])
        try await a.start()
        #expect((try await a.status().recoveringFrom) == ["site-b"])
        let fresh = try await a.addAppointment(patient: "p3")
        // b pushes the lost change back; its next call tells a it holds nothing more of a's.
        #expect(try await b.syncNow().status == 0)
        #expect(try await b.syncNow().status == 0)
        #expect((try await a.status().recoveringFrom) == [])
        #expect(try await b.syncNow().status == 0, "a's new booking, signed now, reaches b")
        for site in [a, b] {
            #expect(try await site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try await site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
        }
        #expect(try await a.state() == b.state())
        #expect(await a.stop() == 0)
    }

    @Test("a third site syncing with the restored one before it has recovered still gets the lost changes later")
    func thirdSiteDuringRecovery() async throws {
        let hub = try await SiteProcess("hub")
        let keeper = try await SiteProcess("keeper")
        let spoke = try await SiteProcess("spoke")
        try await hub.configure(peers: [keeper, spoke])
        try await keeper.configure(peers: [hub])
        try await spoke.configure(peers: [hub])
        for site in [hub, keeper, spoke] { try await site.start() }
        _ = try await hub.addAppointment(patient: "p1")
        #expect(try await hub.syncNow().status == 0)
        let backup = hub.cli.directory + "/backup.sqlite"
        try await hub.cli.succeed(["backup", "--to", backup])
        let lost = try await hub.addAppointment(patient: "p2")
        #expect(try await hub.syncNow(["--peer", "keeper"]).status == 0, "only the keeper gets it before the loss")
        #expect(await hub.stop() == 0)
        #expect(await keeper.stop() == 0)
        try await hub.cli.succeed(["restore", "--from", backup])
        let fresh = try await hub.addAppointment(patient: "p3")
        try await hub.start()
        // The spoke syncs with the hub while the hub cannot reach the keeper to recover.
        #expect(try await spoke.syncNow().status == 0)
        #expect(try await spoke.cli.run(["appointment", "show", fresh]).status == 66, "new changes wait until the hub has recovered")
        try await keeper.start()
        #expect(try await hub.syncNow().status == 0)
        #expect((try await hub.status().recoveringFrom) == [])
        #expect(try await spoke.syncNow().status == 0)
        for site in [hub, keeper, spoke] {
            #expect(try await site.cli.run(["appointment", "show", lost]).status == 0, "\(site.name) lacks the recovered booking")
            #expect(try await site.cli.run(["appointment", "show", fresh]).status == 0, "\(site.name) lacks the new booking")
        }
        #expect(try await Set([hub.state(), keeper.state(), spoke.state()]).count == 1)
    }

    @Test("restoring twice never gives a change number twice")
    func restoreTwice() async throws {
        let a = try await SiteProcess("site-a")
        let b = try await SiteProcess("site-b")
        try await a.configure(peers: [b])
        try await b.configure(peers: [a])
        try await b.start()
        _ = try await a.addAppointment(patient: "p1")
        let backup = a.cli.directory + "/backup.sqlite"
        try await a.cli.succeed(["backup", "--to", backup])
        try await a.cli.succeed(["restore", "--from", backup])
        let first = try await a.addAppointment(patient: "p2")
        #expect(try await a.syncNow().status == 0, "b holds the first restore's write")
        try await a.cli.succeed(["restore", "--from", backup])
        let second = try await a.addAppointment(patient: "p3")
        #expect(try await a.syncNow().status == 0)
        for id in [first, second] { #expect(try await b.cli.run(["appointment", "show", id]).status == 0, "b lacks \(id)") }
        let numbers = try await Self.changes(b, origin: "site-a").map(\.sequence)
        #expect(Set(numbers).count == numbers.count && numbers.count == 3, "\(numbers)")
    }
}
