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
        port = try ChaosSite.freePort()
        metricsPort = try ChaosSite.freePort()
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
        guard shown.status == 0, let object = try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any],
            let fingerprint = object["fingerprint"] as? String
        else {
            throw ChaosError.setup("identity show failed at \(name): \(shown.errors)")
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

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs `clinicsync ARGS --config <this site>` to completion.
    @discardableResult
    func run(_ arguments: [String]) throws -> Result {
        try Self.execute(binary, arguments + ["--config", configPath], environment: environment)
    }

    /// Runs SQL with the sqlite3 shell on the site's database, as another program would.
    func sqlite(_ sql: String) throws -> Result {
        try Self.execute("/usr/bin/sqlite3", ["-bail", databasePath, sql], environment: environment)
    }

    static func execute(_ path: String, _ arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errorData = Mutex(Data())
        let reader = Thread { errorData.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() } }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }

    /// Ports handed out so far: the kernel may offer a released port again, and two sites must
    /// never be configured with the same one.
    private static let handedOut = Mutex<Set<Int>>([])

    /// Returns a finished seed's ports: a long soak hands out more ports than the kernel's
    /// ephemeral range holds (a 4-site mesh takes 20 a seed; 1,000 seeds ran out at seed 726).
    static func release(_ ports: [Int]) {
        handedOut.withLock { $0.subtract(ports) }
    }

    static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = try kernelPort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    private static func kernelPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
