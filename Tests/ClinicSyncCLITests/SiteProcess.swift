import ClinicSyncTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One clinic site for end-to-end tests: a configuration in its own directory, its database, and
/// optionally a running `clinicsync serve` process on a 127.0.0.1 port.
final class SiteProcess {
    let name: String
    let port: Int
    let metricsPort: Int
    let cli: CLIHarness
    private var daemon: Process?
    private(set) var logPath: String

    /// Creates and initialises the site; `peers` are set later with ``configure(peers:extra:)``.
    init(_ name: String) throws {
        self.name = name
        port = try Self.freePort()
        metricsPort = try Self.freePort()
        cli = try CLIHarness(site: name)
        logPath = cli.directory + "/serve.log"
        try configure(peers: [])
        try cli.succeed(["init"])
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var tlsURL: String { "https://127.0.0.1:\(port)" }

    /// This site's key fingerprint, as `identity show` prints it (read again whenever the key file changes).
    func fingerprint() throws -> String {
        let keyPath = cli.directory + "/data/\(name).sqlite.key.pem"
        let modified = (try? FileManager.default.attributesOfItem(atPath: keyPath)[.modificationDate] as? Date) ?? nil
        if let cached = fingerprintCache.withLock({ $0 }), cached.modified == modified { return cached.fingerprint }
        let shown = try JSONSerialization.jsonObject(with: Data(cli.succeed(["identity", "show", "--json"]).utf8)) as? [String: String]
        let fingerprint = shown?["fingerprint"] ?? ""
        fingerprintCache.withLock { $0 = (modified, fingerprint) }
        return fingerprint
    }

    private let fingerprintCache = Mutex<(modified: Date?, fingerprint: String)?>(nil)

    /// A fingerprint no key has, for peers that are not clinicsync sites (they never sign anything).
    static let strangerFingerprint = "sha256:" + String(repeating: "0", count: 64)

    /// Rewrites the configuration with these peers (and any extra YAML); with `tls`, peers are
    /// reached over https, otherwise over plain HTTP on loopback with a shared secret. Every peer is
    /// pinned by its key fingerprint; `fleet` lists the sites beyond the peers whose changes arrive
    /// relayed. `live: false` turns live sync off, so that writes stay concurrent until a round.
    func configure(
        peers: [SiteProcess], tls: Bool = false, others: [(name: String, url: String)] = [], fleet: [SiteProcess] = [], live: Bool = true,
        extra: String = ""
    ) throws {
        var text = """
            site:
              id: \(name)
              database: data/\(name).sqlite
            server:
              listen: 127.0.0.1:\(port)
              plaintext: \(!tls)
            metrics:
              listen: 127.0.0.1:\(metricsPort)
            control:
              socket: run/control.sock
            sync:
              interval_seconds: 3600
              timeout_seconds: 10
              live: \(live)
            peers:

            """
        for peer in peers {
            text +=
                tls
                ? "  - name: \(peer.name)\n    url: \(peer.tlsURL)\n    fingerprint: \(try peer.fingerprint())\n"
                : "  - name: \(peer.name)\n    url: \(peer.url)\n    fingerprint: \(try peer.fingerprint())\n    secret: "
                    + "\(Self.secret(name, peer.name))\n"
        }
        for other in others {
            text +=
                "  - name: \(other.name)\n    url: \(other.url)\n    fingerprint: \(Self.strangerFingerprint)\n    secret: "
                + "\(Self.secret(name, other.name))\n"
        }
        if !fleet.isEmpty {
            text += "fleet:\n"
            for member in fleet { text += "  - site: \(member.name)\n    fingerprint: \(try member.fingerprint())\n" }
        }
        try cli.writeConfig(text + extra)
    }

    /// The secret two sites share over plain HTTP: the same at both ends of a pair.
    static func secret(_ one: String, _ other: String) -> String { "pair-" + [one, other].sorted().joined(separator: "-") + "-secret" }

    /// Starts `clinicsync serve` and waits until its control socket answers.
    func start(environment: [String: String] = [:], arguments: [String] = []) throws {
        let process = Process()
        process.executableURL = CLIHarness.binary
        process.arguments = ["serve", "--config", cli.configPath] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let logFile = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        logFile.seekToEndOfFile()
        process.standardOutput = logFile
        process.standardError = logFile
        try process.run()
        daemon = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try status()["daemon"].flatMap({ ($0 as? [String: Any])?["running"] as? Bool }) == true { return }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        Issue.record("\(name) did not start: \(log())")
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let daemon, daemon.isRunning else { return daemon?.terminationStatus ?? 0 }
        daemon.terminate()
        daemon.waitUntilExit()
        self.daemon = nil
        return daemon.terminationStatus
    }

    /// SIGHUP, as `systemctl reload` sends it: the daemon re-reads its configuration.
    func reload() throws {
        let pid = try #require(try status()["daemon"].flatMap { ($0 as? [String: Any])?["pid"] as? Int })
        Glibc.kill(pid_t(pid), SIGHUP)
    }

    /// `compact --json`: entries removed, and why compaction is held back (if it is).
    func compact() throws -> (removed: Int, waiting: String?) {
        let output = try cli.succeed(["compact", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        return (report["removed"] as? Int ?? -1, report["waiting"] as? String)
    }

    /// Waits up to `seconds` for the daemon's log to contain `text`.
    func waitForLog(_ text: String, seconds: Double = 15) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log().contains(text) { return true }
            usleep(100_000)
        }
        return false
    }

    /// SIGKILL, as a power cut would.
    func kill() {
        guard let daemon, daemon.isRunning else { return }
        Glibc.kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        self.daemon = nil
    }

    var isRunning: Bool { daemon?.isRunning ?? false }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func status() throws -> [String: Any] {
        let result = try cli.run(["status", "--json"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// `sync now --json`: the exit status and the parsed report.
    func syncNow(_ extra: [String] = []) throws -> (status: Int32, report: [String: Any], stderr: String) {
        let result = try cli.run(["sync", "now", "--json"] + extra)
        let report = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
        return (result.status, report, result.stderr)
    }

    /// The synchronised state as JSON text: appointments, prescriptions, conflicts and deleted rows.
    func state() throws -> String {
        try ["appointment", "prescription"].map { try cli.succeed([$0, "list", "--json"]) }.joined() + cli.succeed(["conflicts", "--json"])
            + cli.succeed(["deleted", "list", "--json"])
    }

    func changeCount() throws -> Int {
        (try status()["change_log_entries"] as? Int) ?? -1
    }

    deinit {
        kill()
        cli.remove()
    }

    static func freePort() throws -> Int { try LoopbackPorts.next() }
}

extension SiteProcess {
    /// Sites in a line, each configured with its neighbours (plain HTTP), none started.
    static func line(_ names: String...) throws -> [SiteProcess] {
        let sites = try names.map { try SiteProcess($0) }
        for (index, site) in sites.enumerated() {
            let neighbours = [index - 1, index + 1].filter(sites.indices.contains)
            try site.configure(
                peers: neighbours.map { sites[$0] },
                fleet: sites.indices.filter { $0 != index && !neighbours.contains($0) }.map { sites[$0] })
        }
        return sites
    }

    /// Books an appointment and returns its id.
    @discardableResult
    func addAppointment(patient: String = "p1", therapist: String = "Sam", minutes: Int = 60) throws -> String {
        try cli.succeed([
            "appointment", "add", "--patient-id", patient, "--patient-name", "Patient \(patient)", "--therapist", therapist,
            "--starts-at", "2026-12-01T09:30:00Z", "--minutes", String(minutes),
        ])
    }
}
