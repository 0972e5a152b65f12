import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// Serves a ``SiteStore`` to the sync layer, which knows stores only as a ``ChangeFeed``; every
/// call runs on ``StoreThreads``.
struct StoreChangeFeed: ChangeFeed {
    let store: SiteStore
    /// The sites this site is configured to sync with now (they follow configuration reloads).
    let configuredPeers: @Sendable () -> [SiteID]

    var siteID: SiteID { store.siteID }

    /// What this site holds, including every write other programs made: the capture triggers
    /// stamp and number them as they are made.
    func versionVector() async throws -> VersionVector {
        try await onStore { try $0.versionVector() }
    }

    func changes(missingFrom vector: VersionVector, limit: Int) async throws -> ChangeBatch {
        try await onStore { try $0.changes(missingFrom: vector, limit: limit) }
    }

    func fleet() async throws -> [FleetReport] {
        let peers = configuredPeers()
        return try await onStore { store in
            let others = try store.fleetView().reports.values.sorted { $0.at > $1.at }.prefix(FleetView.maximumSites - 1)
            return [try store.ownReport(peers: peers)] + others
        }
    }

    func learn(_ reports: [FleetReport], from sender: SiteID) async throws -> IdentityConflict? {
        try await onStore { try $0.learn(reports, from: sender) }
    }

    /// Runs `body` on a store thread; a store locked by another program becomes ``FeedBusy``.
    private func onStore<T: Sendable>(_ body: @escaping @Sendable (SiteStore) throws -> T) async throws -> T {
        do {
            return try await StoreThreads.run { [store] in try body(store) }
        } catch let error as StoreError {
            if case .busy = error { throw FeedBusy(reason: error.description) }
            throw error
        }
    }

    func apply(_ changes: [Change], through: VersionVector) async throws -> ApplyOutcome {
        do {
            let peers = configuredPeers()
            let outcome = try await onStore { try $0.apply(changes, through: through, configuredPeers: peers) }
            SyncMetrics.applied(outcome)
            return outcome
        } catch let error as StoreError {
            guard case .invalid = error else { throw error }
            throw ChangeRejected(reason: error.description)
        }
    }
}
