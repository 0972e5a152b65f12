import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Peer sync between real daemons", .serialized)
struct PeerSyncTests {
    static func mesh(_ names: [String], live: Bool = true) async throws -> [SiteProcess] {
        var sites: [SiteProcess] = []
        for name in names { sites.append(try await SiteProcess(name)) }
        for site in sites { try await site.configure(peers: sites.filter { $0 !== site }, live: live) }
        return sites
    }

    @Test("three sites write concurrently, conflicting edits included, and end identical after sync now at each")
    func threeSitesConverge() async throws {
        // Live sync off: the edits below must stay concurrent (made without knowledge of each other).
        let sites = try await Self.mesh(["downtown", "uptown", "westside"], live: false)
        for site in sites { try await site.start() }
        let shared = try await sites[0].addAppointment()
        #expect(try await sites[0].syncNow().status == 0)
        // Every site edits the same field of the same appointment, and adds its own rows, at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, site) in sites.enumerated() {
                let (cli, name) = (site.cli, site.name)
                group.addTask {
                    try await cli.succeed(["appointment", "update", shared, "--therapist", "T\(index)"])
                    try await cli.succeed([
                        "appointment", "add", "--patient-id", "p\(index + 10)", "--patient-name", "N", "--therapist", "T",
                        "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "30",
                    ])
                    try await cli.succeed(["appointment", "update", shared, "--notes", "note from \(name)"])
                }
            }
            try await group.waitForAll()
        }
        for site in sites {
            let result = try await site.syncNow()
            #expect(result.status == 0, "\(site.name): \(result.stderr)")
        }
        let reference = try await sites[0].state()
        for site in sites.dropFirst() { #expect(try await site.state() == reference, "\(site.name) differs") }
        let conflicts = try await sites[0].cli.decode(
            [ConflictView].self, ["conflicts", "--json"],
            keys: [
                "column", "id", "loser_hlc", "loser_origin", "loser_seq", "loser_timestamp", "loser_value", "row_id", "table", "winner_deleted",
                "winner_hlc", "winner_origin", "winner_seq", "winner_timestamp", "winner_value",
            ])
        #expect(conflicts.filter { $0.column == "therapist" }.count == 2)
        #expect(conflicts.filter { $0.column == "notes" }.count == 2)
        let appointments = try await sites[2].cli.decode([AppointmentView].self, ["appointment", "list", "--json"])
        #expect(appointments.count == 4)
        for site in sites { #expect(await site.stop() == 0, "\(site.name) did not exit cleanly: \(site.log())") }
    }

    @Test("line topology A-B-C: a change at A reaches C through B, and nothing comes back to its origin")
    func lineTopologyRelays() async throws {
        let line = try await SiteProcess.line("site-a", "site-b", "site-c")
        let (a, b, c) = (line[0], line[1], line[2])
        for site in [a, b, c] { try await site.start() }
        let fromA = try await a.addAppointment(patient: "pa")
        let fromC = try await c.addAppointment(patient: "pc")
        let relay = try await b.syncNow()
        #expect(relay.status == 0, "\(relay.stderr)")
        #expect(try await c.cli.run(["appointment", "show", fromA]).status == 0)
        #expect(try await a.cli.run(["appointment", "show", fromC]).status == 0)
        #expect(try await a.state() == c.state())
        // A second round moves nothing: no change returns to its origin or is sent twice.
        for site in [a, b, c] {
            let again = try await site.syncNow()
            let peers = try #require(again.report?.peers)
            #expect(peers.allSatisfy { $0.sent == 0 && $0.received == 0 }, "\(site.name): \(peers)")
        }
        #expect(try await Set([a.changeCount(), b.changeCount(), c.changeCount()]).count == 1)
    }

    @Test("a peer killed mid-sync: the sync resumes from its checkpoint, converges, and duplicates nothing")
    func resumesAfterPeerKilled() async throws {
        let source = try await SiteProcess("source")
        let sink = try await SiteProcess("sink")
        try await source.configure(peers: [sink])
        try await sink.configure(peers: [source]) { $0.batchChanges = 100 }
        // A backlog of 20,000 appointments (one change each), written as another program would.
        var sql = "BEGIN;"
        for index in 0..<20_000 {
            sql +=
                "INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status) VALUES "
                + "('\(UUID().uuidString.lowercased())', 'p\(index)', 'N', 'T', 'source', '2026-12-01T09:30:00Z', 60, 4, 'scheduled');"
        }
        try await source.cli.sqlite3(sql + "COMMIT;")
        try await source.start()
        let total = try await source.changeCount()
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
            partial = try await sink.changeCount()
            if partial >= 2_000 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await source.kill()
        let pulled = await puller.exited()
        partial = try await sink.changeCount()
        #expect(pulled == 69, "the interrupted sync must fail")
        #expect(partial > 0 && partial < total, "killed after \(partial) of \(total) changes")

        try await source.start()
        let resumed = try await sink.syncNow()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let peers = try #require(resumed.report?.peers)
        #expect(peers.first?.received == total - partial, "the second round fetched only what was missing")
        #expect(try await sink.changeCount() == total)
        #expect(try await sink.state() == source.state())
    }

    @Test("with every peer down, local writes work, status shows the errors, and sync now fails naming the peers")
    func allPeersDown() async throws {
        let lonely = try await SiteProcess("lonely")
        let gone1 = try await SiteProcess("gone-one")
        let gone2 = try await SiteProcess("gone-two")
        try await lonely.configure(peers: [gone1, gone2])
        try await lonely.start()
        let id = try await lonely.addAppointment()
        #expect(try await lonely.cli.run(["appointment", "show", id]).status == 0)
        let result = try await lonely.syncNow()
        #expect(result.status == 69)
        #expect(result.stderr.contains("gone-one") && result.stderr.contains("gone-two"))
        let status = try await lonely.status()
        #expect(status.peers.count == 2)
        #expect(status.peers.allSatisfy { $0.lastError?.contains("unreachable") == true && $0.waiting == 1 })
        #expect(await lonely.stop() == 0)
        // Without the daemon, sync now runs the round itself and fails the same way.
        let direct = try await lonely.syncNow(["--peer", "gone-two"])
        #expect(direct.status == 69 && direct.stderr.contains("gone-two"))
        let unknown = try await lonely.syncNow(["--peer", "nobody"])
        #expect(unknown.status == 64 && unknown.stderr.contains("nobody"))
    }
}

@Suite("sync now progress", .serialized)
struct SyncProgressTests {
    @Test("sync now reports changes moved on stderr while it runs, and not with --json")
    func progressLine() async throws {
        let source = try await SiteProcess("source")
        let sink = try await SiteProcess("sink")
        try await source.configure(peers: [sink])
        try await sink.configure(peers: [source])
        try await source.start()
        for _ in 0..<3 { try await source.addAppointment() }
        let quiet = try await sink.cli.run(["sync", "now", "--json"])
        #expect(quiet.status == 0 && !quiet.stderr.contains("changes moved"), "\(quiet.stderr)")
        for _ in 0..<3 { try await source.addAppointment() }
        let shown = try await sink.cli.run(["sync", "now"])
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("syncing with source:") && shown.stderr.contains("changes moved"), "\(shown.stderr)")
    }
}
