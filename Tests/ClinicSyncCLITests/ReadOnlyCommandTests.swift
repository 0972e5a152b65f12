import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Finding 4 of the "sync keeps flowing" issue: every command opened the store for writing, so
/// reads waited behind the daemon's writes, failed for a user who may only read, and modified a
/// backup that `check` was asked to look at.
@Suite("Commands that read never write", .serialized)
struct ReadOnlyCommandTests {
    private static func contents(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test("check --file on a backup leaves it byte-identical and creates nothing beside it")
    func checkLeavesBackupIdentical() async throws {
        let site = try await SiteProcess("north")
        try await site.configure(peers: [])
        try await site.addAppointment()
        let backup = site.cli.directory + "/north-backup.sqlite"
        _ = try await site.cli.succeed(["backup", "--to", backup])
        let before = try Self.contents(backup)
        let result = try await site.cli.run(["check", "--file", backup, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"ok\" : true"), "\(result.stdout)")
        #expect(try Self.contents(backup) == before)
        let beside = try FileManager.default.contentsOfDirectory(atPath: site.cli.directory).filter { $0.hasPrefix("north-backup.sqlite") }
        #expect(beside == ["north-backup.sqlite"], "\(beside)")
    }

    @Test("status, list, show, changes, conflicts and check answer while another program holds the write lock, and change nothing")
    func readsDoNotWaitForWriters() async throws {
        let site = try await SiteProcess("north")
        try await site.configure(peers: [])
        let booking = try await site.addAppointment()
        let database = site.cli.databasePath
        // The main file and its write-ahead log: a write would land in the log.
        func files() throws -> [Data] { try [database, database + "-wal"].filter(FileManager.default.fileExists).map(Self.contents) }
        // Another program holds the write lock for the whole test (at most a minute).
        let release = site.cli.directory + "/release-lock"
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        locker.arguments = [database, "BEGIN EXCLUSIVE;", ".system for i in $(seq 600); do [ -f \(release) ] && break; sleep 0.1; done", "COMMIT;"]
        try locker.run()
        defer {
            _ = FileManager.default.createFile(atPath: release, contents: nil)
            locker.waitUntilExit()
        }
        try await Task.sleep(for: .seconds(0.3))
        let before = try files()
        for command in [["status"], ["appointment", "list"], ["appointment", "show", booking], ["changes"], ["conflicts"], ["check"]] {
            let started = Date()
            let result = try await site.cli.run(command + ["--json"])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            // The busy timeout is 10 s: a command that needed the lock would wait that long and fail.
            #expect(Date().timeIntervalSince(started) < 5, "\(command) took \(Date().timeIntervalSince(started)) s")
        }
        #expect(locker.isRunning, "the lock was held throughout")
        #expect(try files() == before, "the database file and its log are unchanged")
    }

    @Test(
        "a member of the control socket's group who cannot read the database gets status from the daemon",
        .enabled(if: getuid() == 0, "needs root to run a command as another user"))
    func groupMemberGetsStatus() async throws {
        let site = try await SiteProcess("north")
        try await site.configure(peers: [])
        try await site.addAppointment()
        try await site.start()
        // The socket's directory and the socket belong to group 65534 (nogroup), as the unit's
        // group would; the database stays 0600 in a 0750 directory of root's.
        let run = site.cli.directory + "/run"
        for path in [run, run + "/control.sock"] { #expect(chown(path, 0, 65534) == 0) }
        #expect(chmod(site.cli.configPath, 0o644) == 0)
        func asNobody(_ arguments: [String]) async throws -> ChildProcess.Result {
            try await ChildProcess.run(
                "/usr/bin/setpriv",
                ["--reuid=65534", "--regid=65534", "--clear-groups", CLIHarness.binary.path] + arguments + ["--config", site.cli.configPath])
        }
        let status = try await asNobody(["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(status.stdout.utf8))
        #expect(report.siteID == "north" && report.appointments == 1, "\(status.stdout)")
        #expect(report.daemon.source == "daemon")
        // Patient data stays out of reach: listing appointments needs the database.
        let list = try await asNobody(["appointment", "list"])
        #expect(list.status != 0 && list.stderr.lowercased().contains("permission"), "\(list.stderr)")
    }
}
