import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation

/// Everything `clinicsync status` shows, gathered from the store (always) and from the daemon's
/// control socket (when a daemon answers).
public struct StatusReport: Codable, Sendable {
    public struct DaemonState: Codable, Sendable {
        public var running: Bool
        public var pid: Int32?
        public var started_at: String?
        public var uptime_seconds: Int?
        /// `daemon` when a running daemon answered, `store` when the store was read directly.
        public var source: String
    }

    public struct PeerState: Codable, Sendable {
        public var name: String
        public var url: String
        public var last_attempt: String?
        public var last_success: String?
        public var last_error: String?
        public var clock_problem: Bool
        /// Changes this site holds that the peer has not acknowledged.
        public var waiting: Int
        public var received: Int
        public var sent: Int
    }

    public var site_id: String
    /// The site's certificate fingerprint, for its peers' configurations.
    public var fingerprint: String?
    public var version: String
    public var daemon: DaemonState
    public var database: String
    public var database_bytes: Int
    public var schema_version: String
    public var appointments: Int
    public var prescriptions: Int
    public var change_log_entries: Int
    public var conflicts: Int
    public var deleted_rows: Int
    public var clock: String
    public var clock_hlc: Int64
    /// What this site holds: the greatest sequence number per origin site.
    public var holds: [String: Int64]
    /// `ready`, or why compaction is held back (the site it waits for).
    public var compaction: String
    /// After a restore: the peers still to sync with to recover the changes made after the backup.
    public var recovering_from: [String]
    public var peers: [PeerState]

    /// Builds the report for `configuration`'s site.
    public static func gather(configuration: SiteConfiguration, store: SiteStore, daemon: DaemonInfo?) throws(StoreError) -> StatusReport {
        let statistics = try store.statistics()
        let clock = try store.clock()
        let recorded = Dictionary(uniqueKeysWithValues: try store.peerStates().map { ($0.peer, $0) })
        var peers: [PeerState] = []
        for peer in configuration.peers {
            let state = recorded[peer.name]
            peers.append(PeerState(
                name: peer.name, url: peer.url, last_attempt: state?.lastAttempt, last_success: state?.lastSuccess,
                last_error: state?.lastError, clock_problem: state?.clockProblem ?? false,
                waiting: try store.missingCount(from: state?.peerVector ?? VersionVector()),
                received: state?.changesReceived ?? 0, sent: state?.changesSent ?? 0))
        }
        let seconds = Int(clock.milliseconds / 1000)
        let holding = try store.versionVector()
        let compaction: String
        switch try store.fleetView().compactionFrontier(site: store.siteID, configuredPeers: configuration.peerSiteIDs, holding: holding) {
        case .ready: compaction = "ready"
        case let .blocked(reason): compaction = "held back: \(reason)"
        }
        return StatusReport(
            site_id: store.siteID.rawValue, fingerprint: (try? configuration.identityFiles.load())?.fingerprint.rawValue,
            version: ClinicSyncVersion.current,
            daemon: DaemonState(
                running: daemon != nil, pid: daemon?.pid, started_at: daemon?.started_at, uptime_seconds: daemon?.uptime_seconds,
                source: daemon == nil ? "store" : "daemon"),
            database: store.path, database_bytes: statistics.fileBytes, schema_version: SiteStore.schemaVersion,
            appointments: statistics.appointments, prescriptions: statistics.prescriptions,
            change_log_entries: statistics.changeLogEntries, conflicts: statistics.conflicts, deleted_rows: statistics.deletedRows,
            clock: clock == .zero ? "never ticked" : "\(UTCDateTime(secondsSinceEpoch: seconds)) +\(clock.counter)",
            clock_hlc: clock.rawValue, holds: holding.wire, compaction: compaction,
            recovering_from: try store.recoveringFrom().map(\.rawValue), peers: peers)
    }
}
