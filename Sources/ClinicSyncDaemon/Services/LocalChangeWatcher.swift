import ClinicSyncStore
import Logging
import ServiceLifecycle

/// Live sync's eyes: every `interval` it asks the store's ``CommitWatch`` whether new changes
/// arrived (any program's write here, or changes received from a peer) and, when they did, wakes
/// the scheduler, which syncs with every reachable peer at once instead of at its next round.
struct LocalChangeWatcher: Service {
    let watch: CommitWatch
    let trigger: SyncTrigger
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
            do {
                if try await StoreThreads.run({ [watch] in try watch.newChanges() }) { trigger.changesArrived() }
                if failing { logger.notice("live sync notices new changes again") }
                failing = false
            } catch {
                // The interval round still runs; say so once, not ten times a second.
                if !failing {
                    logger.warning("live sync cannot read the database; changes go out at the next round", metadata: ["error": "\(error)"])
                }
                failing = true
            }
        }
    }
}
