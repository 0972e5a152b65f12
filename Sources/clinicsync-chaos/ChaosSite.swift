import ClinicSyncTestSupport
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One site under test: its directory, configuration, daemon process and CLI.
final class ChaosSite: @unchecked Sendable {
    let name: String
    let directory: String
    let port: Int
    let metricsPort: Int
    let binary: String
    /// The site's wall-clock offset, changed on some restarts to step its clock.
    var clockOffsetMilliseconds: Int64
    /// The daemon's compaction interval (0: off).
    let compactionSeconds: Int
    /// systemd's watchdog, as the daemon sees it: the gaps between its pings.
    let watchdog: WatchdogListener
    private var daemon: Process?

    init(name: String, root: String, binary: String, clockOffsetMilliseconds: Int64, compactionSeconds: Int) throws {
        self.compactionSeconds = compactionSeconds
        self.name = name
        directory = root + "/" + name
        self.binary = binary
        self.clockOffsetMilliseconds = clockOffsetMilliseconds
        port = try LoopbackPorts.next()
        metricsPort = try LoopbackPorts.next()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        watchdog = try WatchdogListener(directory: directory)
    }

    var configPath: String { directory + "/clinicsync.yaml" }
    var databasePath: String { directory + "/site.sqlite" }

    /// Every site of the run with its key fingerprint (known once every site is initialised): each
    /// site pins them all, since changes reach it relayed through the topology.
    var fleet: [String: String] = [:]
    /// `sync.compression`.
    var compression = true

    /// This site's key fingerprint, as `identity show` prints it.
    func fingerprint() throws -> String {
        let shown = try run(["identity", "show", "--json"])
        guard shown.status == 0, let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any],
            let fingerprint = object["fingerprint"] as? String
        else {
            throw ChaosError.setup("identity show failed at \(name): \(shown.stderr)")
        }
        return fingerprint
    }

    /// Writes the configuration; `peers` maps each peer's name to the proxy port this site calls it through.
    func configure(peers: [(name: String, port: Int)]) throws {
        var text = """
            site:
              id: \(name)
              database: site.sqlite
            server:
              listen: 127.0.0.1:\(port)
              plaintext: true
            metrics:
              listen: 127.0.0.1:\(metricsPort)
            control:
              socket: control.sock
            sync:
              interval_seconds: 1
              max_backoff_seconds: 2
              timeout_seconds: 3
              batch_changes: 50
              compression: \(compression)
            compaction:
              interval_seconds: \(compactionSeconds)
            log:
              level: warning
            peers:

            """
        for peer in peers {
            // The same secret at both ends of a pair, as two operators would configure it.
            let secret = "chaos-" + [name, peer.name].sorted().joined(separator: "-") + "-secret"
            text += "  - name: \(peer.name)\n    url: http://127.0.0.1:\(peer.port)\n    secret: \(secret)\n"
            if let fingerprint = fleet[peer.name] { text += "    fingerprint: \(fingerprint)\n" }
        }
        if !fleet.isEmpty {
            text += "fleet:\n"
            for (site, fingerprint) in fleet.sorted(by: { $0.key < $1.key }) { text += "  - site: \(site)\n    fingerprint: \(fingerprint)\n" }
        }
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var isRunning: Bool { daemon?.isRunning ?? false }

    /// How the daemon ended if it exited without being stopped or killed (a crash), described;
    /// the site then counts as down.
    func reapCrash() -> String? {
        guard let daemon, !daemon.isRunning else { return nil }
        self.daemon = nil
        return
            "the daemon of \(name) exited by itself (\(daemon.terminationReason == .uncaughtSignal ? "signal" : "status") "
            + "\(daemon.terminationStatus))"
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", configPath]
        process.environment = environment.merging(watchdog.environment) { $1 }
        watchdog.processStarted()
        let log =
            FileHandle(forWritingAtPath: directory + "/serve.log")
            ?? {
                _ = FileManager.default.createFile(atPath: directory + "/serve.log", contents: nil)
                return FileHandle(forWritingAtPath: directory + "/serve.log")!
            }()
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        daemon = process
        // Ready as systemd sees it (a killed daemon's control socket file is still there).
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, process.isRunning, !watchdog.isReady { usleep(20_000) }
    }

    /// SIGHUP, as `systemctl reload` sends it: the daemon re-reads its configuration.
    func reload() {
        guard let daemon, daemon.isRunning else { return }
        Glibc.kill(daemon.processIdentifier, SIGHUP)
    }

    /// SIGKILL: no chance to finish anything, as a power cut.
    func kill() {
        guard let daemon, daemon.isRunning else { return }
        Glibc.kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        self.daemon = nil
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let daemon, daemon.isRunning else { return 0 }
        daemon.terminate()
        daemon.waitUntilExit()
        self.daemon = nil
        return daemon.terminationStatus
    }

    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["CLINICSYNC_TEST_CLOCK_OFFSET_MS"] = String(clockOffsetMilliseconds)
        environment.removeValue(forKey: "CLINICSYNC_CONFIG")
        return environment
    }

    typealias Result = ChildProcess.Result

    /// Runs `clinicsync ARGS --config <this site>` to completion.
    @discardableResult
    func run(_ arguments: [String]) throws -> Result {
        try ChildProcess.run(binary, arguments + ["--config", configPath], environment: environment)
    }

    /// Runs SQL with the sqlite3 shell on the site's database, as another program would (with a
    /// busy timeout, as the README asks of one: the daemon may be writing).
    func sqlite(_ sql: String) throws -> Result {
        try ChildProcess.run("/usr/bin/sqlite3", ["-bail", "-cmd", ".timeout 5000", databasePath, sql], environment: environment)
    }

}
