import ClinicSyncCore
import ClinicSyncSync
import Foundation

/// A site's configuration, read from YAML (see `Config/clinicsync.yaml` for every key, commented).
public struct SiteConfiguration: Sendable {
    /// The file it was read from.
    public let path: String
    /// `site.id`: this site's identity; unique among the clinic's sites, never changed once synced.
    public let siteID: SiteID
    /// `site.database`: the SQLite file; a relative path is taken from the configuration's directory.
    public let databasePath: String
    /// `clock.max_drift_seconds`: how far ahead of this site's clock a peer's timestamps may be
    /// before its changes are refused (default 300).
    public let maximumDrift: Milliseconds
    /// `server.listen`: `host:port` of the peer API (default `0.0.0.0:7420`).
    public let listen: ListenAddress
    /// `control.socket`: the daemon's local control socket (default `/run/clinicsync/control.sock`).
    public let controlSocket: String
    /// `sync.*`: scheduling and batch bounds.
    public let sync: SyncSettings
    /// `log.level`: trace, debug, info, notice, warning, error or critical (default info).
    public let logLevel: String
    /// `peers`: the sites this site exchanges changes with; `name` is the peer's `site.id`.
    public let peers: [PeerEndpoint]

    /// `sync.*` settings.
    public struct SyncSettings: Sendable {
        /// `sync.interval_seconds`: time between rounds with a reachable peer (default 30).
        public let interval: Duration
        /// `sync.max_backoff_seconds`: the longest wait before retrying an unreachable peer (default 300).
        public let maximumBackoff: Duration
        /// `sync.timeout_seconds`: the longest one request may take (default 30).
        public let requestTimeout: Duration
        /// `sync.batch_changes`: the most changes in one batch (default 1000, at most 10000).
        public let batchChanges: Int
        /// `sync.batch_bytes`: the most JSON bytes in one batch before compression (default 1 MiB).
        public let batchBytes: Int
        /// `sync.compression`: gzip batches when the peer accepts it (default true).
        public let compression: Bool
    }

    /// Reads and validates the file at `path`, applying `CLINICSYNC_*` environment overrides.
    public init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        let document = try ConfigDocument(path: path, keys: Keys.scalars, listKeys: [Keys.peers: Keys.peerItem], environment: environment)
        self.path = path
        let siteText = try document.required(Keys.siteID)
        guard let siteID = try? SiteID(siteText) else {
            throw .invalidValue(path: path, key: Keys.siteID.path, expected: Keys.siteID.expected)
        }
        self.siteID = siteID
        databasePath = document.resolvedPath(try document.required(Keys.database))
        maximumDrift = Milliseconds(UInt64(try document.integer(Keys.maxDrift, in: 1...86_400, default: 300)) * 1000)
        guard let listen = ListenAddress(document.string(Keys.listen) ?? "0.0.0.0:7420") else {
            throw .invalidValue(path: path, key: Keys.listen.path, expected: Keys.listen.expected)
        }
        self.listen = listen
        controlSocket = document.resolvedPath(document.string(Keys.controlSocket) ?? "/run/clinicsync/control.sock")
        sync = SyncSettings(
            interval: .seconds(try document.integer(Keys.interval, in: 1...86_400, default: 30)),
            maximumBackoff: .seconds(try document.integer(Keys.maxBackoff, in: 1...86_400, default: 300)),
            requestTimeout: .seconds(try document.integer(Keys.timeout, in: 1...3600, default: 30)),
            batchChanges: try document.integer(Keys.batchChanges, in: 1...WireProtocol.maximumBatchChanges, default: 1000),
            batchBytes: try document.integer(Keys.batchBytes, in: 1024...(WireProtocol.maximumBodyBytes / 2), default: 1 << 20),
            compression: try document.bool(Keys.compression, default: true))
        logLevel = document.string(Keys.logLevel) ?? "info"
        guard Keys.logLevels.contains(logLevel) else {
            throw .invalidValue(path: path, key: Keys.logLevel.path, expected: Keys.logLevel.expected)
        }
        peers = try Self.readPeers(document, site: siteID)
    }

    private static func readPeers(_ document: ConfigDocument, site: SiteID) throws(ConfigError) -> [PeerEndpoint] {
        var peers: [PeerEndpoint] = []
        for (index, item) in document.list(Keys.peers).enumerated() {
            let key = "\(Keys.peers)[\(index)]"
            guard let name = item["name"], let peerSite = try? SiteID(name), peerSite != site else {
                throw .invalidValue(path: document.path, key: "\(key).name", expected: "the peer's site.id (a-z, 0-9, '-', '_'), not this site's own")
            }
            guard let url = item["url"], let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""),
                  parsed.host != nil else {
                throw .invalidValue(path: document.path, key: "\(key).url", expected: "an http:// or https:// URL such as http://10.0.0.12:7420")
            }
            guard !peers.contains(where: { $0.name == name }) else {
                throw .invalidValue(path: document.path, key: "\(key).name", expected: "a name not used by another peer")
            }
            peers.append(PeerEndpoint(name: name, url: url))
        }
        return peers
    }
}

/// A `host:port` to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port), colon > text.startIndex else { return nil }
        host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}
