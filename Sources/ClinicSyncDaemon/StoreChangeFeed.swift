import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// Serves a ``SiteStore`` to the sync layer, which knows stores only as a ``ChangeFeed``; every
/// call runs on ``StoreThreads``.
struct StoreChangeFeed: ChangeFeed {
    let store: SiteStore
    /// The sites this site is configured to sync with now (they follow configuration reloads).
    let configuredPeers: @Sendable () -> [SiteID]
    /// The site's key and the fleet's (they follow configuration reloads).
    let chains: @Sendable () -> SiteChains

    var siteID: SiteID { store.siteID }

    /// What this site holds, including every write other programs made: the capture triggers
    /// stamp and number them as they are made.
    func versionVector() async throws -> VersionVector {
        try await onStore { try $0.versionVector() }
    }

    /// Seals this site's new changes first (by clinicsync or any other program): only sealed
    /// changes are served.
    func changes(missingFrom vector: VersionVector, limit: Int) async throws -> ChangeBatch {
        let sealer = chains().sealer
        return try await onStore { store in
            try store.seal(using: sealer)
            return try store.changes(missingFrom: vector, limit: limit)
        }
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

    func apply(_ batch: ChangeBatch) async throws -> ApplyOutcome {
        do {
            let peers = configuredPeers()
            let verifier = chains().verifier
            let outcome = try await onStore {
                try $0.apply(batch.changes, through: batch.through, proofs: batch.proofs, verifier: verifier, configuredPeers: peers)
            }
            SyncMetrics.applied(outcome)
            return outcome
        } catch let error as StoreError {
            switch error {
            case let .chainRefused(refusal):
                SyncMetrics.chainRefused(refusal)
                throw refusal
            case .invalid:
                throw ChangeRejected(reason: error.description)
            default:
                throw error
            }
        }
    }
}
