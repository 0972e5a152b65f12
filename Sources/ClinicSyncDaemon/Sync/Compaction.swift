import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Logging
import ServiceLifecycle

/// Change-log compaction below the fleet's frontier (see ``SiteStore/compact(configuredPeers:partitionEntries:sweepBatch:)``).
enum Compaction {
    /// Compacts now, waiting for every site of the configuration's fleet.
    static func run(configuration: SiteConfiguration, store: SiteStore) throws(StoreError) -> CompactionOutcome {
        try store.compact(configuredPeers: configuration.fleetSiteIDs)
    }
}

extension SiteConfiguration {
    /// The configured peers' site ids.
    var peerSiteIDs: [SiteID] { peers.compactMap { try? SiteID($0.name) } }

    /// The other sites of the fleet: the peers and the sites listed under `fleet`, retired ones
    /// excepted. Compaction waits for each of them, so a peer dropped for a while by another site's
    /// reload (its changes still on their way) does not leave the fleet; a site shut down for good
    /// is marked `retired: true` (its key stays pinned: its changes still travel).
    var fleetSiteIDs: [SiteID] {
        Array(Set(peerSiteIDs + fleet.filter { !$0.retired }.map(\.site)).subtracting([siteID])).sorted()
    }
}

/// Compacts the change log every `compaction.interval_seconds` (0 disables it), with the fleet
/// configured at that moment: a site added or removed by a reload counts from the next run.
struct CompactionScheduler: Service {
    let interval: Duration
    let store: SiteStore
    /// The other sites of the fleet now (they follow reloads).
    let members: @Sendable () -> [SiteID]
    let logger: Logger

    func run() async throws {
        guard interval > .zero else { return try await gracefulShutdown() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
            do {
                let sites = members()
                let outcome = try await StoreThreads.run { [store] in try store.compact(configuredPeers: sites) }
                var metadata: Logger.Metadata = ["removed": "\(outcome.removed)"]
                if let blocked = outcome.blocked { metadata["waiting"] = "\(blocked)" }
                logger.info("change log compacted", metadata: metadata)
            } catch {
                logger.error("compaction failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
