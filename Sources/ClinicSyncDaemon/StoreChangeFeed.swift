import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// Serves a ``SiteStore`` to the sync layer, which knows stores only as a ``ChangeFeed``.
struct StoreChangeFeed: ChangeFeed {
    let store: SiteStore
    /// The sites this site is configured to sync with now (they follow configuration reloads).
    let configuredPeers: @Sendable () -> [SiteID]

    var siteID: SiteID { store.siteID }

    /// What this site holds, including every write other programs made: the capture triggers
    /// stamp and number them as they are made.
    func versionVector() async throws -> VersionVector {
        try store.versionVector()
    }

    func changes(missingFrom vector: VersionVector, limit: Int) async throws -> ChangeBatch {
        try store.changes(missingFrom: vector, limit: limit)
    }

    func fleet() async throws -> [FleetReport] {
        [try store.ownReport(peers: configuredPeers())] + Array(try store.fleetView().reports.values)
    }

    func learn(_ reports: [FleetReport]) async throws {
        try store.learn(reports)
    }

    func apply(_ changes: [Change], through: VersionVector) async throws -> ApplyOutcome {
        do {
            let outcome = try store.apply(changes, through: through)
            SyncMetrics.applied(outcome)
            return outcome
        } catch let error {
            switch error {
            case .invalid:
                throw ChangeRejected(reason: error.description)
            case .clock:
                throw ChangeRejected(reason: error.description, isClockSkew: true)
            default:
                throw error
            }
        }
    }
}
