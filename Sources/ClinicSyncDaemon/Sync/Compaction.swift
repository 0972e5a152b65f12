import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Logging
import ServiceLifecycle

/// Change-log compaction below the fleet's frontier (see ``SiteStore/compact(configuredPeers:partitionEntries:sweepBatch:)``).
public enum Compaction {
    /// Compacts now with the configuration's peers.
    public static func run(configuration: SiteConfiguration, store: SiteStore) throws(StoreError) -> CompactionOutcome {
        try store.compact(configuredPeers: configuration.peerSiteIDs)
    }
}

extension SiteConfiguration {
    /// The configured peers' site ids.
    var peerSiteIDs: [SiteID] { peers.compactMap { try? SiteID($0.name) } }
}

/// Compacts the change log every `compaction.interval_seconds` (0 disables it), with the peers
/// configured at that moment: a peer added or removed by a reload counts from the next run.
struct CompactionScheduler: Service {
    let interval: Duration
    let store: SiteStore
    let peers: PeerDirectory
    let logger: Logger

    func run() async throws {
        guard interval > .zero else { return try await gracefulShutdown() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
            do {
                let sites = peers.sites
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
