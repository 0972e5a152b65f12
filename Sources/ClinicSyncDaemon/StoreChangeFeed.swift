import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// Serves a ``SiteStore`` to the sync layer, which knows stores only as a ``ChangeFeed``.
struct StoreChangeFeed: ChangeFeed {
    let store: SiteStore

    var siteID: SiteID { store.siteID }

    /// What this site holds, including every write other programs made: the capture triggers
    /// stamp and number them as they are made.
    func versionVector() async throws -> VersionVector {
        try store.versionVector()
    }

    func changes(missingFrom vector: VersionVector, limit: Int) async throws -> [Change] {
        try store.changes(missingFrom: vector, limit: limit)
    }

    func apply(_ changes: [Change]) async throws -> ApplyOutcome {
        do {
            let outcome = try store.apply(changes)
            SyncMetrics.applied(outcome)
            return outcome
        } catch let error {
            switch error {
            case .invalidChange, .invalid:
                throw ChangeRejected(reason: error.description)
            case .clock:
                throw ChangeRejected(reason: error.description, isClockSkew: true)
            default:
                throw error
            }
        }
    }
}
