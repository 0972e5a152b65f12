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
        /// Changes this site holds that the peer has not acknowledged, counted up to
        /// ``StatusReport/countLimit``; `waiting_exceeds_limit` (only present then) when there are more.
        public var waiting: Int
        public var waiting_exceeds_limit: Bool?
        public var received: Int
        public var sent: Int
    }

    /// An origin whose changes this site holds back (see `HeldOrigin`).
    public struct HeldState: Codable, Sendable {
        public var origin: String
        /// The origin's number of the first change held.
        public var seq: Int64
        /// Set when the change is timestamped beyond the drift bound: by how much, and the bound.
        public var ahead_ms: UInt64?
        public var bound_ms: UInt64?
        /// Set when the change is malformed: the rule it breaks.
        public var invalid: String?
        /// When this site first held the origin and when it last tried its changes (UTC).
        public var since: String
        public var checked: String
        public var message: String
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
    /// How far ahead of this site's clock a received change may be: the fleet's smallest bound.
    public var drift_bound_ms: UInt64
    /// The same, for people (`5m 0s`).
    public var drift_bound: String
    /// Why a change made now would be held at every peer (the clock ran or runs fast), with the fix.
    public var clock_warning: String?
    /// What this site holds: the greatest sequence number per origin site.
    public var holds: [String: Int64]
    /// `ready`, or why compaction is held back (the site it waits for).
    public var compaction: String
    /// After a restore: the peers still to sync with to recover the changes made after the backup.
    public var recovering_from: [String]
    /// This site's changes not signed into its chain yet: peers get them only once signed (the
    /// daemon signs before it serves; nothing is signed while the site recovers from a restore).
    public var unsealed_changes: Int
    /// Present when more than ``countLimit`` changes are unsigned (`unsealed_changes` stops there).
    public var unsealed_changes_exceed_limit: Bool?
    /// Origins whose changes this site holds back while every other origin's flow.
    public var held_origins: [HeldState]
    /// This database's incarnation (see `Incarnation`).
    public var incarnation: String?
    /// Sites seen reporting from two databases, each with what to do.
    public var identity_conflicts: [String]
    public var peers: [PeerState]

    /// Where the counts of waiting and unsigned changes stop: counting reads each entry, and a
    /// million take a tenth of a second, which `status` must not spend.
    public static let countLimit = 100_000

    /// Builds the report for `configuration`'s site.
    public static func gather(configuration: SiteConfiguration, store: SiteStore, daemon: DaemonInfo?) throws(StoreError) -> StatusReport {
        let statistics = try store.statistics()
        let clock = try store.clock()
        let recorded = Dictionary(uniqueKeysWithValues: try store.peerStates().map { ($0.peer, $0) })
        var peers: [PeerState] = []
        for peer in configuration.peers {
            let state = recorded[peer.name]
            let waiting = try store.missingCount(from: state?.peerVector ?? VersionVector(), limit: countLimit + 1)
            peers.append(PeerState(
                name: peer.name, url: peer.url, last_attempt: state?.lastAttempt, last_success: state?.lastSuccess,
                last_error: state?.lastError, clock_problem: state?.clockProblem ?? false,
                waiting: min(waiting, countLimit), waiting_exceeds_limit: waiting > countLimit ? true : nil,
                received: state?.changesReceived ?? 0, sent: state?.changesSent ?? 0))
        }
        let unsealed = try store.unsealedCount(limit: countLimit + 1)
        let seconds = Int(clock.milliseconds / 1000)
        let holding = try store.versionVector()
        let driftBound = try store.agreedDrift(configuredPeers: configuration.peerSiteIDs)
        let compaction: String
        switch try store.fleetView().compactionFrontier(site: store.siteID, configuredPeers: configuration.fleetSiteIDs, holding: holding) {
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
            clock_hlc: clock.rawValue, drift_bound_ms: driftBound.value, drift_bound: driftBound.description,
            clock_warning: try store.clockProblem(configuredPeers: configuration.peerSiteIDs)
                .map { StoreError.clockAhead($0, bound: driftBound).description },
            holds: holding.wire, compaction: compaction,
            recovering_from: try store.recoveringFrom().map(\.rawValue), unsealed_changes: min(unsealed, countLimit),
            unsealed_changes_exceed_limit: unsealed > countLimit ? true : nil, held_origins: try store.heldOrigins().map(HeldState.init),
            incarnation: try store.incarnation()?.rawValue, identity_conflicts: try store.identityConflicts().map(\.description),
            peers: peers)
    }
}

extension StatusReport.HeldState {
    init(_ record: HeldOriginRecord) {
        origin = record.held.origin.rawValue
        seq = record.held.sequence
        switch record.held.reason {
        case let .ahead(aheadBy, bound): (ahead_ms, bound_ms) = (aheadBy.value, bound.value)
        case let .invalid(rule): invalid = rule
        }
        since = "\(UTCDateTime(secondsSinceEpoch: Int(record.sinceMilliseconds / 1000)))"
        checked = "\(UTCDateTime(secondsSinceEpoch: Int(record.checkedMilliseconds / 1000)))"
        message = record.held.description
    }
}
