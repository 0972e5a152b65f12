import ClinicSyncCore
import ClinicSyncSync
import Foundation

/// A site's configuration, read from YAML (see `Config/clinicsync.yaml` for every key, commented).
struct SiteConfiguration: Sendable {
    /// The file it was read from.
    let path: String
    /// `site.id`: this site's identity; unique among the clinic's sites, never changed once synced.
    let siteID: SiteID
    /// `site.database`: the SQLite file; a relative path is taken from the configuration's directory.
    let databasePath: String
    /// `clock.max_drift_seconds`: how far ahead of this site's clock a peer's timestamps may be
    /// before its changes are refused (default 300).
    let maximumDrift: Milliseconds
    /// `server.listen`: `host:port` of the peer API (default `0.0.0.0:7420`).
    let listen: ListenAddress
    /// `server.plaintext`: serve and call peers over plain HTTP (default false). Allowed only on a
    /// loopback address, for tests and single-machine demos; patient data never crosses a network
    /// unencrypted.
    let plaintext: Bool
    /// `metrics.listen`: where `/metrics`, `/health` and `/ready` are served, without TLS
    /// (default `127.0.0.1:9420`).
    let metricsListen: ListenAddress
    /// `console.listen`: where the web console is served (default `127.0.0.1:9421`); `nil` with
    /// `console.enabled: false`. An address other than loopback needs `console.tls`.
    let consoleListen: ListenAddress?
    /// `console.tls`: serve the console over HTTPS with the site's identity certificate (default false).
    let consoleTLS: Bool
    /// `control.socket`: the daemon's local control socket (default `/run/clinicsync/control.sock`).
    let controlSocket: String
    /// `sync.*`: scheduling and batch bounds.
    let sync: SyncSettings
    /// `compaction.interval_seconds`: how often the change log drops entries that every site of the
    /// fleet holds and no site can need (default 3600; 0 disables).
    let compactionInterval: Duration
    /// `alerts.*`: how coverage usage and alerts read dates.
    let alerts: AlertSettings
    /// `log.level`: trace, debug, info, notice, warning, error or critical (default info).
    let logLevel: String
    /// `peers`: the sites this site exchanges changes with; `name` is the peer's `site.id`.
    let peers: [PeerEndpoint]
    /// `fleet`: the sites beyond `peers` whose changes this site accepts (relayed), each with the
    /// fingerprint of its key, and retired keys of any site (this one and peers included).
    let fleet: [FleetMember]

    /// `sync.*` settings.
    struct SyncSettings: Sendable {
        /// `sync.interval_seconds`: time between rounds with a reachable peer (default 30).
        let interval: Duration
        /// `sync.max_backoff_seconds`: the longest wait before retrying an unreachable peer (default 300).
        let maximumBackoff: Duration
        /// `sync.timeout_seconds`: the longest one request may take (default 30).
        let requestTimeout: Duration
        /// `sync.batch_changes`: the most changes in one batch (default 1000, at most 10000).
        let batchChanges: Int
        /// `sync.batch_bytes`: the most JSON bytes in one batch before compression (default 1 MiB).
        let batchBytes: Int
        /// `sync.compression`: gzip batches when the peer accepts it (default true).
        let compression: Bool
        /// `sync.live`: sync with every reachable peer as soon as the store holds new changes (a
        /// write here by any program, or changes received from a peer), not only every interval
        /// (default true).
        let live: Bool
    }

    /// `alerts.*` settings.
    struct AlertSettings: Sendable {
        /// `alerts.time_zone`: the zone whose calendar days visits fall on (plan years, prescription
        /// dates, "today"). Every site must name the same zone, or they disagree about visits near
        /// midnight. Default UTC, never the machine's zone: the daemon under systemd and a command
        /// run with `TZ` set would read days differently, and print different alerts.
        let timeZone: TimeZone
        /// `alerts.expiry_warning_days`: a prescription expiring within this many days, with visits
        /// left, raises `expiring_soon` (default 14).
        let expiryWarningDays: Int
    }

    /// Reads and validates the file at `path`, applying `CLINICSYNC_*` environment overrides.
    init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        let document = try ConfigDocument(
            path: path, keys: Keys.scalars, listKeys: [Keys.peers: Keys.peerItem, Keys.fleet: Keys.fleetItem], environment: environment)
        self.path = path
        let siteText = try document.required(Keys.siteID)
        guard let siteID = try? SiteID(siteText) else {
            throw .invalidValue(path: path, key: Keys.siteID.path, expected: Keys.siteID.expected)
        }
        self.siteID = siteID
        databasePath = document.resolvedPath(try document.required(Keys.database))
        maximumDrift = Milliseconds(UInt64(try document.integer(Keys.maxDrift, in: 60...86_400, default: 300)) * 1000)
        guard let listen = ListenAddress(document.string(Keys.listen) ?? "0.0.0.0:7420") else {
            throw .invalidValue(path: path, key: Keys.listen.path, expected: Keys.listen.expected)
        }
        self.listen = listen
        plaintext = try document.bool(Keys.plaintext, default: false)
        guard !plaintext || listen.isLoopback else {
            throw .invalidValue(path: path, key: Keys.plaintext.path, expected: Keys.plaintext.expected)
        }
        guard let metricsListen = ListenAddress(document.string(Keys.metricsListen) ?? "127.0.0.1:9420") else {
            throw .invalidValue(path: path, key: Keys.metricsListen.path, expected: Keys.metricsListen.expected)
        }
        self.metricsListen = metricsListen
        consoleTLS = try document.bool(Keys.consoleTLS, default: false)
        if try document.bool(Keys.consoleEnabled, default: true) {
            // Patient data never crosses a network unencrypted: off loopback, the console needs TLS.
            guard let consoleListen = ListenAddress(document.string(Keys.consoleListen) ?? "127.0.0.1:9421"),
                consoleListen.isLoopback || consoleTLS
            else {
                throw .invalidValue(path: path, key: Keys.consoleListen.path, expected: Keys.consoleListen.expected)
            }
            self.consoleListen = consoleListen
        } else {
            consoleListen = nil
        }
        controlSocket = document.resolvedPath(document.string(Keys.controlSocket) ?? "/run/clinicsync/control.sock")
        sync = SyncSettings(
            interval: .seconds(try document.integer(Keys.interval, in: 1...86_400, default: 30)),
            maximumBackoff: .seconds(try document.integer(Keys.maxBackoff, in: 1...86_400, default: 300)),
            requestTimeout: .seconds(try document.integer(Keys.timeout, in: 1...3600, default: 30)),
            batchChanges: try document.integer(Keys.batchChanges, in: 1...WireProtocol.maximumBatchChanges, default: 1000),
            batchBytes: try document.integer(Keys.batchBytes, in: 1024...(WireProtocol.maximumBodyBytes / 2), default: 1 << 20),
            compression: try document.bool(Keys.compression, default: true),
            live: try document.bool(Keys.live, default: true))
        compactionInterval = .seconds(try document.integer(Keys.compaction, in: 0...(30 * 86_400), default: 3600))
        var timeZone = TimeZone(identifier: "UTC")!
        if let name = document.string(Keys.timeZone) {
            guard let named = TimeZone(identifier: name) else {
                throw .invalidValue(path: path, key: Keys.timeZone.path, expected: Keys.timeZone.expected)
            }
            timeZone = named
        }
        alerts = AlertSettings(
            timeZone: timeZone, expiryWarningDays: try document.integer(Keys.expiryWarningDays, in: 0...365, default: 14))
        logLevel = document.string(Keys.logLevel) ?? "info"
        guard Keys.logLevels.contains(logLevel) else {
            throw .invalidValue(path: path, key: Keys.logLevel.path, expected: Keys.logLevel.expected)
        }
        peers = try Self.readPeers(document, site: siteID, plaintext: plaintext)
        fleet = try Self.readFleet(document, site: siteID, peers: peers)
    }

    /// The site's TLS identity files, beside the database.
    var identityFiles: IdentityFiles { IdentityFiles(databasePath: databasePath) }

    private static func readPeers(_ document: ConfigDocument, site: SiteID, plaintext: Bool) throws(ConfigError) -> [PeerEndpoint] {
        var peers: [PeerEndpoint] = []
        for (index, item) in document.list(Keys.peers).enumerated() {
            let key = "\(Keys.peers)[\(index)]"
            guard let name = item["name"], let peerSite = try? SiteID(name), peerSite != site else {
                throw .invalidValue(path: document.path, key: "\(key).name", expected: "the peer's site.id (a-z, 0-9, '-', '_'), not this site's own")
            }
            guard let url = item["url"], let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""),
                parsed.host != nil
            else {
                throw .invalidValue(path: document.path, key: "\(key).url", expected: "an http:// or https:// URL such as http://10.0.0.12:7420")
            }
            guard !peers.contains(where: { $0.name == name }) else {
                throw .invalidValue(path: document.path, key: "\(key).name", expected: "a name not used by another peer")
            }
            let fingerprint = try readFingerprint(item["fingerprint"], key: "\(key).fingerprint", document: document)
            if parsed.scheme != "https" {
                guard plaintext, ["127.0.0.1", "localhost", "::1"].contains(parsed.host ?? "") else {
                    throw .invalidValue(
                        path: document.path, key: "\(key).url",
                        expected: "an https:// URL (plain http:// is allowed only with server.plaintext: true, to a loopback address)")
                }
            }
            let secret = try readSecret(item["secret"], key: "\(key).secret", document: document, plaintext: plaintext)
            // Every peer's key is pinned, over plain HTTP too: the peer signs the changes it makes.
            guard let fingerprint else {
                throw .missingKey(
                    path: document.path, key: "\(key).fingerprint",
                    expected:
                        "the peer's key fingerprint (`clinicsync identity show` at that site prints it); it verifies the peer's certificate "
                        + "and the changes it signs"
                )
            }
            peers.append(PeerEndpoint(name: name, url: url, fingerprint: fingerprint, secret: secret))
        }
        return peers
    }
}

extension SiteConfiguration {
    /// A `fingerprint` key, if given.
    static func readFingerprint(_ text: String?, key: String, document: ConfigDocument) throws(ConfigError) -> Fingerprint? {
        guard let text else { return nil }
        guard let parsed = try? Fingerprint(text) else {
            throw .invalidValue(
                path: document.path, key: key, expected: "sha256: followed by 64 lowercase hex digits, as `clinicsync identity show` prints it")
        }
        return parsed
    }

    /// A peer's `secret`: required with `server.plaintext: true` (a plain-HTTP caller has no
    /// certificate to prove itself with) and refused otherwise, where it would protect nothing.
    private static func readSecret(_ text: String?, key: String, document: ConfigDocument, plaintext: Bool) throws(ConfigError) -> PeerSecret? {
        guard plaintext else {
            guard text == nil else {
                throw .invalidValue(
                    path: document.path, key: key, expected: "no secret: peers prove themselves by certificate unless server.plaintext is true")
            }
            return nil
        }
        guard let text else {
            throw .missingKey(
                path: document.path, key: key,
                expected:
                    "the secret both sites configure for each other (with server.plaintext: true, peers prove themselves by it); make one "
                    + "with `openssl rand -hex 24`"
            )
        }
        do { return try PeerSecret(text) } catch {
            throw .invalidValue(
                path: document.path, key: key,
                expected: "16 to 256 characters of A-Z, a-z, 0-9 and . _ ~ + / = -, for example from `openssl rand -hex 24`")
        }
    }
}

/// A `host:port` to listen on.
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon > text.startIndex
        else { return nil }
        host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }

    var description: String { "\(host):\(port)" }

    /// Whether only this machine can connect.
    var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}
