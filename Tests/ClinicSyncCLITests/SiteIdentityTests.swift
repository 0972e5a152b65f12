import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Finding 5 of the "sync keeps flowing" issue: two databases under one site id.
@Suite("Site identity: a second database under a known site id is refused", .serialized)
struct SiteIdentityTests {
    private static func appointmentIDs(_ site: SiteProcess) async throws -> Set<String> {
        await Set(try site.cli.decode([AppointmentView].self, ["appointment", "list", "--json"]).map(\.id))
    }

    private static func incarnation(of site: SiteProcess) async throws -> String {
        try await site.cli.decode(IdentityView.self, ["identity", "show", "--json"]).incarnation
    }

    private static func moveDatabase(of site: SiteProcess, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: site.cli.databasePath + suffix) {
            try FileManager.default.moveItem(atPath: site.cli.databasePath + suffix, toPath: directory + "/site.sqlite" + suffix)
        }
    }

    private static func restoreDatabase(of site: SiteProcess, from directory: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: directory + "/site.sqlite" + suffix) {
            try FileManager.default.moveItem(atPath: directory + "/site.sqlite" + suffix, toPath: site.cli.databasePath + suffix)
        }
    }

    @Test(
        "a site re-initialised instead of restored: its peer refuses it naming both databases, holds its changes, and takes it back once cleared"
    )
    func reinitialisedSite() async throws {
        let alpha = try await SiteProcess("alpha")
        let beta = try await SiteProcess("beta")
        try await alpha.configure(peers: [beta])
        try await beta.configure(peers: [alpha])
        try await beta.start()
        let first = try await alpha.addAppointment(patient: "p1")
        #expect(try await alpha.syncNow().status == 0)
        let original = try await Self.incarnation(of: alpha)

        // The disk is "lost": alpha is initialised afresh under the same id and books a visit. Its
        // numbering starts again at 1, where beta already holds the first database's changes.
        let aside = alpha.cli.directory + "/original"
        try Self.moveDatabase(of: alpha, to: aside)
        try await alpha.cli.succeed(["init"])
        let fresh = try await Self.incarnation(of: alpha)
        #expect(fresh != original)
        let lost = try await alpha.addAppointment(patient: "p2")
        let betaBefore = try await beta.state()
        let refused = try await alpha.syncNow()
        #expect(refused.status == 69, "\(refused.peers)")
        let error = try #require(refused.peers.first?.error)
        #expect(
            error.contains("identity_conflict") && error.contains(String(original.prefix(8))) && error.contains(String(fresh.prefix(8))), "\(error)")
        let conflicts = try await beta.status().identityConflicts
        #expect(conflicts.count == 1 && conflicts[0].contains("two databases report as site 'alpha'"), "\(conflicts)")
        #expect(try await beta.state() == betaBefore)
        #expect(try await !Self.appointmentIDs(beta).contains(lost))
        // The store's gauges are refreshed every five seconds.
        var metrics = ""
        for _ in 0..<70 where !metrics.contains("clinicsync_identity_conflicts 1") {
            metrics = try await LoopbackHTTP.get("http://127.0.0.1:\(beta.metricsPort)/metrics")
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(metrics.contains("clinicsync_identity_conflicts 1"), "\(metrics.split(separator: "\n").filter { $0.contains("identity") })")

        // The operator puts the original database back and clears the conflict at beta.
        try Self.moveDatabase(of: alpha, to: alpha.cli.directory + "/mistake")
        try Self.restoreDatabase(of: alpha, from: aside)
        let cleared = try await beta.cli.run(["identity", "clear-conflict", "alpha"])
        #expect(cleared.status == 0, "\(cleared.stderr)")
        let later = try await alpha.addAppointment(patient: "p3")
        #expect(try await alpha.syncNow().status == 0)
        #expect(try await Self.appointmentIDs(beta) == [first, later])
        #expect(try await beta.status().identityConflicts == [])
        let again = try await beta.cli.run(["identity", "clear-conflict", "alpha"])
        #expect(again.status == 66 && again.stderr.contains("no identity conflict"), "\(again.stderr)")
    }
}
