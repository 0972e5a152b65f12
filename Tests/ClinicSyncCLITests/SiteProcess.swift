import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Synchronization
import Testing

/// One clinic site for end-to-end tests: a configuration in its own directory, its database, and
/// optionally a running `clinicsync serve` process on a 127.0.0.1 port (the shared test-support
/// pieces, with Swift Testing's expectations on top).
final class SiteProcess {
    let name: String
    let port: Int
    let metricsPort: Int
    /// The web console's port (every test daemon serves one).
    let consolePort: Int
    let cli: CLIHarness
    private let daemon: DaemonProcess

    /// Creates and initialises the site; `peers` are set later with ``configure(peers:tls:others:fleet:live:extra:adjust:)``.
    init(_ name: String) async throws {
        self.name = name
        port = try LoopbackPorts.next()
        metricsPort = try LoopbackPorts.next()
        consolePort = try LoopbackPorts.next()
        cli = try CLIHarness(site: name)
        daemon = DaemonProcess(logPath: cli.directory + "/serve.log")
        try await configure(peers: [])
        try await cli.succeed(["init"])
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var tlsURL: String { "https://127.0.0.1:\(port)" }
    var logPath: String { daemon.logPath }

    /// This site's key fingerprint, as `identity show` prints it (read again whenever the key file changes).
    func fingerprint() async throws -> String {
        let keyPath = cli.databasePath + ".key.pem"
        let modified = (try? FileManager.default.attributesOfItem(atPath: keyPath)[.modificationDate] as? Date) ?? nil
        if let cached = fingerprintCache.withLock({ $0 }), cached.modified == modified { return cached.fingerprint }
        let fingerprint = try await cli.commands.fingerprint()
        fingerprintCache.withLock { $0 = (modified, fingerprint) }
        return fingerprint
    }

    private let fingerprintCache = Mutex<(modified: Date?, fingerprint: String)?>(nil)

    /// A fingerprint no key has, for peers that are not clinicsync sites (they never sign anything).
    static let strangerFingerprint = "sha256:" + String(repeating: "0", count: 64)

    /// Rewrites the configuration with these peers (and any extra YAML); with `tls`, peers are
    /// reached over https, otherwise over plain HTTP on loopback with a shared secret. Every peer is
    /// pinned by its key fingerprint; `fleet` lists the sites beyond the peers whose changes arrive
    /// relayed. `live: false` turns live sync off, so that writes stay concurrent until a round;
    /// `adjust` changes any other setting.
    func configure(
        peers: [SiteProcess], tls: Bool = false, others: [(name: String, url: String)] = [], fleet: [SiteProcess] = [], live: Bool = true,
        extra: String = "", adjust: (inout SiteConfigurationFile) -> Void = { _ in }
    ) async throws {
        var file = SiteConfigurationFile(site: name, database: "data/\(name).sqlite")
        file.listenPort = port
        file.plaintext = !tls
        file.metricsPort = metricsPort
        file.consolePort = consolePort
        file.controlSocket = "run/control.sock"
        file.intervalSeconds = 3600
        file.timeoutSeconds = 10
        file.live = live
        for peer in peers {
            let fingerprint = try await peer.fingerprint()
            file.peers.append(
                tls
                    ? .init(name: peer.name, url: peer.tlsURL, fingerprint: fingerprint)
                    : .loopback(peer.name, port: peer.port, fingerprint: fingerprint, of: name))
        }
        file.peers += others.map {
            .init(name: $0.name, url: $0.url, fingerprint: Self.strangerFingerprint, secret: SiteConfigurationFile.secret(name, $0.name))
        }
        for member in fleet { file.fleet.append(.init(site: member.name, fingerprint: try await member.fingerprint())) }
        file.extra = extra
        adjust(&file)
        try file.write(to: cli.configPath)
    }

    /// Starts `clinicsync serve` and waits until its control socket answers.
    func start(environment: [String: String] = [:], arguments: [String] = []) async throws {
        try daemon.start(
            binary: CLIHarness.binary.path, configurationPath: cli.configPath, arguments: arguments,
            environment: cli.commands.environment.merging(environment) { $1 })
        let deadline = Date().addingTimeInterval(20)
        var lastError: (any Error)?
        while Date() < deadline {
            // A failed status (the store being created) is no answer yet; the last one is reported.
            do {
                if try await status().daemon.running { return }
            } catch {
                lastError = error
            }
            guard daemon.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(name) did not start (last status error: \(lastError.map { "\($0)" } ?? "none")): \(log())")
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit status.
    @discardableResult
    func stop() async -> Int32 { await daemon.stop() }

    /// SIGHUP, as `systemctl reload` sends it: the daemon re-reads its configuration.
    func reload(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(daemon.isRunning, "\(name) is not running: nothing to reload", sourceLocation: sourceLocation)
        daemon.reload()
    }

    /// `compact --json`: entries removed, and why compaction is held back (if it is).
    func compact() async throws -> CompactionResult { try await cli.decode(CompactionResult.self, ["compact", "--json"]) }

    /// Waits up to `seconds` for the daemon's log to contain `text`.
    func waitForLog(_ text: String, seconds: Double = 15) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log().contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGKILL, as a power cut would.
    func kill() async { await daemon.kill() }

    var isRunning: Bool { daemon.isRunning }

    func log() -> String { daemon.log() }

    /// `status --json`.
    func status() async throws -> StatusReport { try await cli.commands.status() }

    /// `sync now --json`: its exit status, its report (printed on failure too), stderr.
    func syncNow(_ extra: [String] = []) async throws -> SiteCommandLine.SyncRound { try await cli.commands.syncNow(extra) }

    /// The synchronised state as JSON text: appointments, prescriptions, conflicts and deleted rows.
    func state() async throws -> String {
        var state = ""
        for arguments in [["appointment", "list"], ["prescription", "list"], ["conflicts"], ["deleted", "list"]] {
            state += try await cli.succeed(arguments + ["--json"])
        }
        return state
    }

    func changeCount() async throws -> Int { try await status().changeLogEntries }

    /// A test that ends early (a failed requirement) leaves no daemon behind: killed at once, the
    /// only way a deinit can end it.
    deinit {
        daemon.kill()
        cli.remove()
    }
}

extension SiteProcess {
    /// Sites in a line, each configured with its neighbours (plain HTTP), none started; `live:
    /// false` when the test needs writes to stay concurrent until it syncs.
    static func line(_ names: String..., live: Bool = true) async throws -> [SiteProcess] {
        var sites: [SiteProcess] = []
        for name in names { sites.append(try await SiteProcess(name)) }
        for (index, site) in sites.enumerated() {
            let neighbours = [index - 1, index + 1].filter(sites.indices.contains)
            try await site.configure(
                peers: neighbours.map { sites[$0] },
                fleet: sites.indices.filter { $0 != index && !neighbours.contains($0) }.map { sites[$0] }, live: live)
        }
        return sites
    }

    /// Books an appointment and returns its id.
    @discardableResult
    func addAppointment(patient: String = "p1", therapist: String = "Sam", minutes: Int = 60) async throws -> String {
        try await cli.succeed([
            "appointment", "add", "--patient-id", patient, "--patient-name", "Patient \(patient)", "--therapist", therapist,
            "--starts-at", "2026-12-01T09:30:00Z", "--minutes", String(minutes),
        ])
    }
}
