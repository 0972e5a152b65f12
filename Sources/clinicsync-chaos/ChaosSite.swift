import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation

/// One site under test: its directory, configuration, daemon process and CLI (the shared
/// test-support pieces, configured for a fast, noisy run).
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
    private let daemon: DaemonProcess

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
        daemon = DaemonProcess(logPath: directory + "/serve.log")
    }

    var configPath: String { directory + "/clinicsync.yaml" }
    var databasePath: String { directory + "/site.sqlite" }

    /// Every site of the run with its key fingerprint (known once every site is initialised): each
    /// site pins them all, since changes reach it relayed through the topology.
    var fleet: [String: String] = [:]
    /// `sync.compression`.
    var compression = true

    /// The site's CLI, its clock shifted by the site's offset.
    var commands: SiteCommandLine {
        SiteCommandLine(
            binary: binary, configurationPath: configPath, databasePath: databasePath,
            environment: ["CLINICSYNC_TEST_CLOCK_OFFSET_MS": String(clockOffsetMilliseconds)])
    }

    /// This site's key fingerprint, as `identity show` prints it.
    func fingerprint() throws -> String {
        do {
            return try commands.fingerprint()
        } catch {
            throw ChaosError.setup("identity show failed at \(name): \(error)")
        }
    }

    /// Writes the configuration; `peers` maps each peer's name to the proxy port this site calls it through.
    func configure(peers: [(name: String, port: Int)]) throws {
        var file = SiteConfigurationFile(site: name, database: "site.sqlite")
        file.listenPort = port
        file.metricsPort = metricsPort
        file.controlSocket = "control.sock"
        file.intervalSeconds = 1
        file.maxBackoffSeconds = 2
        file.timeoutSeconds = 3
        file.batchChanges = 50
        file.compression = compression
        file.compactionIntervalSeconds = compactionSeconds
        file.logLevel = "warning"
        file.peers = peers.map { .loopback($0.name, port: $0.port, fingerprint: fleet[$0.name], of: name) }
        file.fleet = fleet.sorted { $0.key < $1.key }.map { .init(site: $0.key, fingerprint: $0.value) }
        try file.write(to: configPath)
    }

    var isRunning: Bool { daemon.isRunning }

    /// How the daemon ended each time it exited without being stopped or killed (a crash), or did
    /// not exit cleanly when stopped, described; the site then counts as down.
    func reapCrash() -> String? {
        daemon.reapCrash().map { "the daemon of \(name) exited by itself or uncleanly (\($0))" }
    }

    func start() throws {
        watchdog.processStarted()
        try daemon.start(binary: binary, configurationPath: configPath, environment: commands.environment.merging(watchdog.environment) { $1 })
        // Ready as systemd sees it (a killed daemon's control socket file is still there).
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, daemon.isRunning, !watchdog.isReady { usleep(20_000) }
    }

    /// SIGHUP, as `systemctl reload` sends it: the daemon re-reads its configuration.
    func reload() { daemon.reload() }

    /// SIGKILL: no chance to finish anything, as a power cut.
    func kill() { daemon.kill() }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 { daemon.stop() }

    typealias Result = ChildProcess.Result

    /// Runs `clinicsync ARGS --config <this site>` to completion.
    @discardableResult
    func run(_ arguments: [String]) throws -> Result { try commands.run(arguments) }

    /// `sync now --json`: how it ended, and its report (printed on failure too).
    func syncNow() throws -> SiteCommandLine.SyncRound { try commands.syncNow() }

    /// `status --json`.
    func status() throws -> StatusReport { try commands.status() }

    /// Runs SQL with the sqlite3 shell on the site's database, as another program would.
    func sqlite(_ sql: String) throws -> Result { try commands.sqlite3(sql) }
}
