import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Running as a service: systemd notifications, reload, metrics, backup and check", .serialized)
struct OperationsTests {
    @Test("READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 reach NOTIFY_SOCKET in that order")
    func systemdNotifications() async throws {
        let notify = try NotifySocket()
        let site = try await SiteProcess("notified")
        let peer = try await SiteProcess("absent")
        try await site.configure(peers: [peer])
        try await site.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        #expect(try await notify.waitFor("READY=1"))
        #expect(try await notify.waitFor("STATUS=in sync with 0 of 1 peers"))
        #expect(try await notify.waitFor("WATCHDOG=1"))
        #expect(await site.stop() == 0)
        #expect(try await notify.waitFor("STOPPING=1"))
        let messages = notify.messages
        func first(_ text: String) -> Int { messages.firstIndex { $0.contains(text) } ?? Int.max }
        #expect(first("READY=1") < first("STATUS=") || messages[first("READY=1")].contains("STATUS="))
        #expect(first("READY=1") < first("WATCHDOG=1"))
        #expect(first("WATCHDOG=1") < first("STOPPING=1") && first("STOPPING=1") != Int.max)
        #expect(messages.last?.contains("STOPPING=1") == true, "\(messages)")
    }

    @Test("under journald (JOURNAL_STREAM set) each log line starts with its syslog priority and has no timestamp")
    func journaldFormat() async throws {
        let site = try await SiteProcess("journaled")
        try await site.configure(peers: [])
        try await site.start(environment: ["JOURNAL_STREAM": "8:12345"])
        #expect(await site.stop() == 0)
        let lines = site.log().split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("<6>clinicsync serving") })
        #expect(lines.contains { $0.hasPrefix("<4>serving peers over plain HTTP") })
        #expect(!lines.contains { $0.contains("2026-") || $0.contains("+0000") })
    }

    @Test("a reload signalled while the daemon starts (before it listens for reloads) does not end it")
    func sighupWhileStarting() async throws {
        let site = try await SiteProcess("early")
        try await site.configure(peers: [])
        try await site.cli.succeed(["init"])
        // Another program holds the database's write lock, so the daemon waits in opening its store,
        // well before its reloader listens.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [site.cli.databasePath]
        let input = Pipe()
        holder.standardInput = input
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        // Read once sqlite3 holds the lock (it answers the SELECT inside the transaction).
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).contains("locked"))
        let process = Process()
        process.executableURL = CLIHarness.binary
        process.arguments = ["serve", "--config", site.cli.configPath]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        // It has the database open: past reading its configuration, still short of serving.
        let opened = Date().addingTimeInterval(10)
        func hasDatabaseOpen() -> Bool {
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")) ?? []
            return descriptors.contains {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/\($0)")) == site.cli.databasePath
            }
        }
        while Date() < opened, process.isRunning, !hasDatabaseOpen() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(hasDatabaseOpen(), "the daemon never opened its database")
        kill(process.processIdentifier, SIGHUP)  // SIGHUP's default action ends a process
        try await Task.sleep(for: .milliseconds(300))
        input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        await holder.exited()
        let deadline = Date().addingTimeInterval(20)
        var running = false
        while Date() < deadline, process.isRunning, !running {
            running = try await site.status().daemon.running
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(
            running && process.isRunning, "\(process.isRunning ? "" : "ended: \(process.terminationReason.rawValue) \(process.terminationStatus)")")
    }

    @Test("SIGHUP with a changed peer list takes effect without a restart")
    func reloadOnSIGHUP() async throws {
        let hub = try await SiteProcess("hub")
        let newcomer = try await SiteProcess("newcomer")
        try await hub.configure(peers: [])
        try await newcomer.configure(peers: [hub])
        try await hub.start()
        let before = try await newcomer.syncNow()
        #expect(before.status == 69)
        #expect((before.peers.first?.error)?.contains("unknown_peer") == true)
        try await hub.configure(peers: [newcomer])
        let pid = try await #require(try hub.status().daemon.pid)
        kill(pid_t(pid), SIGHUP)
        var after = try await newcomer.syncNow()
        for _ in 0..<20 where after.status != 0 {
            try await Task.sleep(for: .milliseconds(100))
            after = try await newcomer.syncNow()
        }
        #expect(after.status == 0, "\(after.peers)")
        #expect(hub.log().contains("configuration reloaded"))
        try await newcomer.start()
        let viaDaemon = try await hub.syncNow()
        #expect(viaDaemon.status == 0 && viaDaemon.peers.first?.peer == "newcomer")
        #expect(hub.isRunning)
    }

    /// Parses Prometheus text into `name{labels}` → value, checking every line's syntax.
    static func parsePrometheus(_ text: String) -> [String: Double]? {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            let name = String(line[..<space])
            guard name.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})?$"#, options: .regularExpression) != nil else {
                return nil
            }
            samples[name] = value
        }
        return samples
    }

    @Test("/metrics parses as Prometheus text and its counters move when a sync happens; /health and /ready answer")
    func metrics() async throws {
        let north = try await SiteProcess("north")
        let south = try await SiteProcess("south")
        // Live sync off: the three changes must go out in the one round counted below (live
        // rounds would split them between north's pushes and south's pulls).
        try await north.configure(peers: [south], live: false)
        try await south.configure(peers: [north], live: false)
        try await north.start()
        try await south.start()
        let base = "http://127.0.0.1:\(north.metricsPort)"
        #expect(try await LoopbackHTTP.fetch(base + "/health").0 == 200)
        #expect(try await LoopbackHTTP.fetch(base + "/ready").0 == 200)
        let (_, before) = try await LoopbackHTTP.fetch(base + "/metrics")
        let samplesBefore = try #require(Self.parsePrometheus(before), "unparseable:\n\(before)")
        for _ in 0..<3 { try await north.addAppointment() }
        #expect(try await north.syncNow().status == 0)
        // Store gauges are refreshed every five seconds, off the scrape path.
        var (_, after) = try await LoopbackHTTP.fetch(base + "/metrics")
        func refreshed(_ text: String) -> Bool {
            let samples = Self.parsePrometheus(text)
            return samples?["clinicsync_change_log_entries"] == 3 && samples?["clinicsync_changes_captured"] == 3
                && samples?[#"clinicsync_peer_lag_changes{peer="south"}"#] == 0
        }
        for _ in 0..<100 where !refreshed(after) {
            try await Task.sleep(for: .milliseconds(100))
            (_, after) = try await LoopbackHTTP.fetch(base + "/metrics")
        }
        let samples = try #require(Self.parsePrometheus(after), "unparseable:\n\(after)")
        let sent = #"clinicsync_changes_sent_total{peer="south"}"#
        #expect((samples[sent] ?? 0) >= (samplesBefore[sent] ?? 0) + 3, "\(after)")
        #expect(
            (samples[#"clinicsync_sync_rounds_total{peer="south",result="ok"}"#] ?? 0)
                > (samplesBefore[#"clinicsync_sync_rounds_total{peer="south",result="ok"}"#] ?? 0))
        #expect(samples["clinicsync_change_log_entries"] == 3)
        #expect(samples["clinicsync_changes_captured"] == 3)
        #expect(samples.keys.contains { $0.hasPrefix("clinicsync_sync_duration_seconds_bucket") })
        #expect(samples[#"clinicsync_peer_lag_changes{peer="south"}"#] == 0)
    }

    @Test("a backup taken during concurrent writes opens and passes check; check finds tampering")
    func backupAndCheck() async throws {
        let site = try await SiteProcess("busy")
        try await site.configure(peers: [])
        try await site.start()
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = [
            "-c",
            """
            for i in $(seq 1 40); do "\(CLIHarness.binary.path)" appointment add --config "\(site.cli.configPath)" \
              --patient-id p$i --patient-name N --therapist T --starts-at 2026-12-01T09:30:00Z --minutes 30 >/dev/null || exit 1; done
            """,
        ]
        try writer.run()
        try await Task.sleep(for: .milliseconds(300))
        let backups = (1...3).map { site.cli.directory + "/backup-\($0).sqlite" }
        for path in backups {
            try await site.cli.succeed(["backup", "--to", path])
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await writer.exited() == 0)
        for path in backups {
            let copy = try CLIHarness(site: "busy")
            defer { copy.remove() }
            try copy.writeConfig("site:\n  id: busy\n  database: \(path)\n")
            let check = try await copy.run(["check", "--json"])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
            #expect(check.stdout.contains("\"ok\" : true"))
        }
        #expect(try await site.cli.run(["backup", "--to", backups[0]]).status != 0, "an existing file is never overwritten")
        let healthy = try await site.cli.run(["check"])
        #expect(healthy.status == 0)
        // A write that bypassed capture is found.
        try await site.cli.sqlite3(
            "UPDATE sync_clock SET capturing = 0; UPDATE appointments SET therapist = 'Z'; UPDATE sync_clock SET capturing = 1;")
        let tampered = try await site.cli.run(["check"])
        #expect(tampered.status == 65)
        #expect(tampered.stdout.contains("appointments.therapist values that differ from their newest change: 40"), "\(tampered.stdout)")
    }
}
