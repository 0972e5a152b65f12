import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Peer sync between real daemons", .serialized)
struct PeerSyncTests {
    static func mesh(_ names: [String], live: Bool = true) throws -> [SiteProcess] {
        let sites = try names.map(SiteProcess.init)
        for site in sites { try site.configure(peers: sites.filter { $0 !== site }, live: live) }
        return sites
    }

    @Test("three sites write concurrently, conflicting edits included, and end identical after sync now at each")
    func threeSitesConverge() async throws {
        // Live sync off: the edits below must stay concurrent (made without knowledge of each other).
        let sites = try Self.mesh(["downtown", "uptown", "westside"], live: false)
        for site in sites { try site.start() }
        let shared = try sites[0].addAppointment()
        #expect(try sites[0].syncNow().status == 0)
        // Every site edits the same field of the same appointment, and adds its own rows, at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, site) in sites.enumerated() {
                let (cli, name) = (site.cli, site.name)
                group.addTask {
                    try cli.succeed(["appointment", "update", shared, "--therapist", "T\(index)"])
                    try cli.succeed([
                        "appointment", "add", "--patient-id", "p\(index + 10)", "--patient-name", "N", "--therapist", "T",
                        "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "30",
                    ])
                    try cli.succeed(["appointment", "update", shared, "--notes", "note from \(name)"])
                }
            }
            try await group.waitForAll()
        }
        for site in sites {
            let result = try site.syncNow()
            #expect(result.status == 0, "\(site.name): \(result.stderr)")
        }
        let reference = try sites[0].state()
        for site in sites.dropFirst() { #expect(try site.state() == reference, "\(site.name) differs") }
        let conflicts = try sites[0].cli.decode([ConflictView].self, ["conflicts", "--json"])
        #expect(conflicts.filter { $0.column == "therapist" }.count == 2)
        #expect(conflicts.filter { $0.column == "notes" }.count == 2)
        let appointments = try sites[2].cli.decode([AppointmentView].self, ["appointment", "list", "--json"])
        #expect(appointments.count == 4)
        for site in sites { #expect(site.stop() == 0, "\(site.name) did not exit cleanly: \(site.log())") }
    }

    @Test("line topology A-B-C: a change at A reaches C through B, and nothing comes back to its origin")
    func lineTopologyRelays() throws {
        let line = try SiteProcess.line("site-a", "site-b", "site-c")
        let (a, b, c) = (line[0], line[1], line[2])
        for site in [a, b, c] { try site.start() }
        let fromA = try a.addAppointment(patient: "pa")
        let fromC = try c.addAppointment(patient: "pc")
        let relay = try b.syncNow()
        #expect(relay.status == 0, "\(relay.stderr)")
        #expect(try c.cli.run(["appointment", "show", fromA]).status == 0)
        #expect(try a.cli.run(["appointment", "show", fromC]).status == 0)
        #expect(try a.state() == c.state())
        // A second round moves nothing: no change returns to its origin or is sent twice.
        for site in [a, b, c] {
            let again = try site.syncNow()
            let peers = try #require(again.report?.peers)
            #expect(peers.allSatisfy { $0.sent == 0 && $0.received == 0 }, "\(site.name): \(peers)")
        }
        #expect(try a.changeCount() == b.changeCount() && b.changeCount() == c.changeCount())
    }

    @Test("a peer killed mid-sync: the sync resumes from its checkpoint, converges, and duplicates nothing")
    func resumesAfterPeerKilled() throws {
        let source = try SiteProcess("source")
        let sink = try SiteProcess("sink")
        try source.configure(peers: [sink])
        try sink.configure(peers: [source], extra: "")
        try sink.cli.writeConfig(
            try String(contentsOfFile: sink.cli.configPath, encoding: .utf8)
                .replacingOccurrences(of: "  timeout_seconds: 10", with: "  timeout_seconds: 10\n  batch_changes: 100"))
        // A backlog of 20,000 appointments (one change each), written as another program would.
        var sql = "BEGIN;"
        for index in 0..<20_000 {
            sql +=
                "INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status) VALUES "
                + "('\(UUID().uuidString.lowercased())', 'p\(index)', 'N', 'T', 'source', '2026-12-01T09:30:00Z', 60, 4, 'scheduled');"
        }
        try source.cli.sqlite3(sql + "COMMIT;")
        try source.start()
        let total = try source.changeCount()
        #expect(total == 20_000)

        let puller = Process()
        puller.executableURL = CLIHarness.binary
        puller.arguments = ["sync", "now", "--json", "--config", sink.cli.configPath]
        puller.standardOutput = FileHandle.nullDevice
        puller.standardError = FileHandle.nullDevice
        try puller.run()
        var partial = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, puller.isRunning {
            partial = try sink.changeCount()
            if partial >= 2_000 { break }
            usleep(20_000)
        }
        source.kill()
        puller.waitUntilExit()
        partial = try sink.changeCount()
        #expect(puller.terminationStatus == 69, "the interrupted sync must fail")
        #expect(partial > 0 && partial < total, "killed after \(partial) of \(total) changes")

        try source.start()
        let resumed = try sink.syncNow()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let peers = try #require(resumed.report?.peers)
        #expect(peers.first?.received == total - partial, "the second round fetched only what was missing")
        #expect(try sink.changeCount() == total)
        #expect(try sink.state() == source.state())
    }

    @Test("with every peer down, local writes work, status shows the errors, and sync now fails naming the peers")
    func allPeersDown() throws {
        let lonely = try SiteProcess("lonely")
        let gone1 = try SiteProcess("gone-one")
        let gone2 = try SiteProcess("gone-two")
        try lonely.configure(peers: [gone1, gone2])
        try lonely.start()
        let id = try lonely.addAppointment()
        #expect(try lonely.cli.run(["appointment", "show", id]).status == 0)
        let result = try lonely.syncNow()
        #expect(result.status == 69)
        #expect(result.stderr.contains("gone-one") && result.stderr.contains("gone-two"))
        let status = try lonely.status()
        #expect(status.peers.count == 2)
        #expect(status.peers.allSatisfy { $0.lastError?.contains("unreachable") == true && $0.waiting == 1 })
        #expect(lonely.stop() == 0)
        // Without the daemon, sync now runs the round itself and fails the same way.
        let direct = try lonely.syncNow(["--peer", "gone-two"])
        #expect(direct.status == 69 && direct.stderr.contains("gone-two"))
        let unknown = try lonely.syncNow(["--peer", "nobody"])
        #expect(unknown.status == 64 && unknown.stderr.contains("nobody"))
    }
}

@Suite("sync now progress", .serialized)
struct SyncProgressTests {
    @Test("sync now reports changes moved on stderr while it runs, and not with --json")
    func progressLine() throws {
        let source = try SiteProcess("source")
        let sink = try SiteProcess("sink")
        try source.configure(peers: [sink])
        try sink.configure(peers: [source])
        try source.start()
        for _ in 0..<3 { try source.addAppointment() }
        let quiet = try sink.cli.run(["sync", "now", "--json"])
        #expect(quiet.status == 0 && !quiet.stderr.contains("changes moved"), "\(quiet.stderr)")
        for _ in 0..<3 { try source.addAppointment() }
        let shown = try sink.cli.run(["sync", "now"])
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("syncing with source:") && shown.stderr.contains("changes moved"), "\(shown.stderr)")
    }
}
