import ClinicSyncStore
import Logging
import ServiceLifecycle

/// Change-log compaction with the configured peers' acknowledgements (see
/// ``SiteStore/compact(acknowledged:)`` for the rule).
public enum Compaction {
    /// Compacts now; returns the number of entries removed.
    public static func run(configuration: SiteConfiguration, store: SiteStore) throws(StoreError) -> Int {
        let recorded = try store.peerStates()
        let acknowledged = configuration.peers.map { peer in recorded.first { $0.peer == peer.name }?.peerVector }
        return try store.compact(acknowledged: acknowledged)
    }
}

/// Compacts the change log every `compaction.interval_seconds` (0 disables it).
struct CompactionScheduler: Service {
    let configuration: SiteConfiguration
    let store: SiteStore
    let logger: Logger

    func run() async throws {
        guard configuration.compactionInterval > .zero else { return try await gracefulShutdown() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.compactionInterval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
            do {
                let removed = try Compaction.run(configuration: configuration, store: store)
                logger.info("change log compacted", metadata: ["removed": "\(removed)"])
            } catch {
                logger.error("compaction failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
