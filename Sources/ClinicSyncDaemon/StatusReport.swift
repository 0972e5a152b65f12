import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation

/// Everything `clinicsync status` shows, gathered from the store (always) and from the daemon's
/// control socket (when a daemon answers).
package struct StatusReport: Codable, Sendable {
    package struct DaemonState: Codable, Sendable {
        package var running: Bool
        package var pid: Int32?
        package var startedAt: String?
        package var uptimeSeconds: Int?
        /// `daemon` when a running daemon answered, `store` when the store was read directly.
        package var source: String

        enum CodingKeys: String, CodingKey {
            case running, pid, source
            case startedAt = "started_at"
            case uptimeSeconds = "uptime_seconds"
        }
    }

    package struct PeerState: Codable, Sendable {
        package var name: String
        package var url: String
        package var lastAttempt: String?
        package var lastSuccess: String?
        package var lastError: String?
        package var clockProblem: Bool
        /// Changes this site holds that the peer has not acknowledged, counted up to
        /// ``StatusReport/countLimit``; `waitingExceedsLimit` (only present then) when there are more.
        package var waiting: Int
        package var waitingExceedsLimit: Bool?
        package var received: Int
        package var sent: Int

        enum CodingKeys: String, CodingKey {
            case name, url, waiting, received, sent
            case lastAttempt = "last_attempt"
            case lastSuccess = "last_success"
            case lastError = "last_error"
            case clockProblem = "clock_problem"
            case waitingExceedsLimit = "waiting_exceeds_limit"
        }
    }

    /// An origin whose changes this site holds back (see `HeldOrigin`).
    package struct HeldState: Codable, Sendable {
        package var origin: String
        /// The origin's number of the first change held.
        package var seq: Int64
        /// Set when the change is timestamped beyond the drift bound: by how much, and the bound.
        package var aheadMilliseconds: UInt64?
        package var boundMilliseconds: UInt64?
        /// Set when the change is malformed: the rule it breaks.
        package var invalid: String?
        /// When this site first held the origin and when it last tried its changes (UTC).
        package var since: String
        package var checked: String
        package var message: String

        enum CodingKeys: String, CodingKey {
            case origin, seq, invalid, since, checked, message
            case aheadMilliseconds = "ahead_ms"
            case boundMilliseconds = "bound_ms"
        }
    }

    package var siteID: String
    /// The site's certificate fingerprint, for its peers' configurations.
    package var fingerprint: String?
    package var version: String
    package var daemon: DaemonState
    package var database: String
    package var databaseBytes: Int
    package var schemaVersion: String
    package var appointments: Int
    package var prescriptions: Int
    package var changeLogEntries: Int
    package var conflicts: Int
    package var deletedRows: Int
    package var clock: String
    package var clockHLC: Int64
    /// How far ahead of this site's clock a received change may be: the fleet's smallest bound.
    package var driftBoundMilliseconds: UInt64
    /// The same, for people (`5m 0s`).
    package var driftBound: String
    /// Why a change made now would be held at every peer (the clock ran or runs fast), with the fix.
    package var clockWarning: String?
    /// What this site holds: the greatest sequence number per origin site.
    package var holds: [String: Int64]
    /// `ready`, or why compaction is held back (the site it waits for).
    package var compaction: String
    /// After a restore: the peers still to sync with to recover the changes made after the backup.
    package var recoveringFrom: [String]
    /// This site's changes not signed into its chain yet: peers get them only once signed (the
    /// daemon signs before it serves; nothing is signed while the site recovers from a restore).
    package var unsealedChanges: Int
    /// Present when more than ``countLimit`` changes are unsigned (`unsealedChanges` stops there).
    package var unsealedChangesExceedLimit: Bool?
    /// Origins whose changes this site holds back while every other origin's flow.
    package var heldOrigins: [HeldState]
    /// This database's incarnation (see `Incarnation`).
    package var incarnation: String?
    /// Sites seen reporting from two databases, each with what to do.
    package var identityConflicts: [String]
    /// Open (unacknowledged) alerts by kind, computed from the merged tables.
    package var openAlerts: [String: Int]
    /// `alerts.time_zone`: the zone whose days the alerts read; every site should name the same.
    package var alertTimeZone: String
    package var peers: [PeerState]

    enum CodingKeys: String, CodingKey {
        case fingerprint, version, daemon, database, appointments, prescriptions, conflicts, clock, holds, compaction, incarnation, peers
        case siteID = "site_id"
        case databaseBytes = "database_bytes"
        case schemaVersion = "schema_version"
        case changeLogEntries = "change_log_entries"
        case deletedRows = "deleted_rows"
        case clockHLC = "clock_hlc"
        case driftBoundMilliseconds = "drift_bound_ms"
        case driftBound = "drift_bound"
        case clockWarning = "clock_warning"
        case recoveringFrom = "recovering_from"
        case unsealedChanges = "unsealed_changes"
        case unsealedChangesExceedLimit = "unsealed_changes_exceed_limit"
        case heldOrigins = "held_origins"
        case identityConflicts = "identity_conflicts"
        case openAlerts = "open_alerts"
        case alertTimeZone = "alert_time_zone"
    }

    /// Where the counts of waiting and unsigned changes stop: counting reads each entry, and a
    /// million take a tenth of a second, which `status` must not spend.
    package static let countLimit = 100_000

    /// Open alerts by kind, as `open_alerts` lists them.
    static func countByKind(_ alerts: [CoverageAlert]) -> [String: Int] {
        Dictionary(grouping: alerts, by: \.kind.rawValue).mapValues(\.count)
    }

    /// Builds the report for `configuration`'s site; `alertCounts`, from a running daemon, spares
    /// computing the alerts again while the store and the day are as they were.
    static func gather(
        configuration: SiteConfiguration, store: SiteStore, daemon: DaemonInfo?, alertCounts: OpenAlertCounts? = nil
    ) throws(StoreError) -> StatusReport {
        let statistics = try store.statistics()
        let clock = try store.clock()
        let recorded = Dictionary(uniqueKeysWithValues: try store.peerStates().map { ($0.peer, $0) })
        var peers: [PeerState] = []
        for peer in configuration.peers {
            let state = recorded[peer.name]
            let waiting = try store.missingCount(from: state?.peerVector ?? VersionVector(), limit: countLimit + 1)
            peers.append(
                PeerState(
                    name: peer.name, url: peer.url, lastAttempt: state?.lastAttempt, lastSuccess: state?.lastSuccess,
                    lastError: state?.lastError, clockProblem: state?.clockProblem ?? false,
                    waiting: min(waiting, countLimit), waitingExceedsLimit: waiting > countLimit ? true : nil,
                    received: state?.changesReceived ?? 0, sent: state?.changesSent ?? 0))
        }
        let unsealed = try store.unsealedCount(limit: countLimit + 1)
        let holding = try store.versionVector()
        let today = configuration.alerts.calendar().today
        let openAlerts: [String: Int]
        if let cached = alertCounts?.counts(at: holding.text, on: today) {
            openAlerts = cached
        } else {
            openAlerts = countByKind(try CoverageReading(store: store, settings: configuration.alerts).alerts.filter { !$0.acknowledged })
            alertCounts?.record(openAlerts, at: holding.text, on: today)
        }
        let seconds = Int(clock.milliseconds / 1000)
        let driftBound = try store.agreedDrift(configuredPeers: configuration.peerSiteIDs)
        let compaction: String
        switch try store.fleetView().compactionFrontier(site: store.siteID, configuredPeers: configuration.fleetSiteIDs, holding: holding) {
        case .ready: compaction = "ready"
        case let .blocked(reason): compaction = "held back: \(reason)"
        }
        return StatusReport(
            siteID: store.siteID.rawValue, fingerprint: (try? configuration.identityFiles.load())?.fingerprint.rawValue,
            version: ClinicSyncVersion.current,
            daemon: DaemonState(
                running: daemon != nil, pid: daemon?.pid, startedAt: daemon?.startedAt, uptimeSeconds: daemon?.uptimeSeconds,
                source: daemon == nil ? "store" : "daemon"),
            database: store.path, databaseBytes: statistics.fileBytes, schemaVersion: SiteStore.schemaVersion,
            appointments: statistics.appointments, prescriptions: statistics.prescriptions,
            changeLogEntries: statistics.changeLogEntries, conflicts: statistics.conflicts, deletedRows: statistics.deletedRows,
            clock: clock == .zero ? "never ticked" : "\(UTCDateTime(secondsSinceEpoch: seconds)) +\(clock.counter)",
            clockHLC: clock.rawValue, driftBoundMilliseconds: driftBound.value, driftBound: driftBound.description,
            clockWarning: try store.clockProblem(configuredPeers: configuration.peerSiteIDs)
                .map { StoreError.clockAhead($0, bound: driftBound).description },
            holds: holding.wire, compaction: compaction,
            recoveringFrom: try store.recoveringFrom().map(\.rawValue), unsealedChanges: min(unsealed, countLimit),
            unsealedChangesExceedLimit: unsealed > countLimit ? true : nil, heldOrigins: try store.heldOrigins().map(HeldState.init),
            incarnation: try store.incarnation()?.rawValue, identityConflicts: try store.identityConflicts().map(\.description),
            openAlerts: openAlerts, alertTimeZone: configuration.alerts.timeZone.identifier,
            peers: peers)
    }
}

extension StatusReport.HeldState {
    init(_ record: HeldOriginRecord) {
        origin = record.held.origin.rawValue
        seq = record.held.sequence
        switch record.held.reason {
        case let .ahead(aheadBy, bound): (aheadMilliseconds, boundMilliseconds) = (aheadBy.value, bound.value)
        case let .invalid(rule): invalid = rule
        }
        since = "\(UTCDateTime(secondsSinceEpoch: Int(record.sinceMilliseconds / 1000)))"
        checked = "\(UTCDateTime(secondsSinceEpoch: Int(record.checkedMilliseconds / 1000)))"
        message = record.held.description
    }
}
