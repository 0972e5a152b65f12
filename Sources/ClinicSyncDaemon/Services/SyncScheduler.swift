import Logging
import ServiceLifecycle

/// Syncs with every peer on a schedule: every `sync.interval_seconds` (with ±10% jitter, so sites
/// started together do not stay in lock-step), and, while a peer fails, after an exponential
/// backoff capped at `sync.max_backoff_seconds`. Stops between rounds on graceful shutdown; a
/// round in flight finishes (each of its batches is applied whole or not at all).
struct SyncScheduler: Service {
    let coordinator: SyncCoordinator
    let interval: Duration
    let maximumBackoff: Duration
    let logger: Logger

    func run() async throws {
        var nextDue: [String: ContinuousClock.Instant] = [:]
        var failures: [String: Int] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = ContinuousClock.now
            for peer in await coordinator.peers where (nextDue[peer.name] ?? now) <= now {
                let succeeded: Bool
                do {
                    succeeded = try await coordinator.runRound(peer: peer.name, lockTimeout: .seconds(5)).succeeded
                } catch {
                    logger.notice("scheduled sync skipped", metadata: ["peer": "\(peer.name)", "reason": "\(error)"])
                    succeeded = false
                }
                failures[peer.name] = succeeded ? 0 : (failures[peer.name] ?? 0) + 1
                nextDue[peer.name] = ContinuousClock.now + delay(afterFailures: failures[peer.name] ?? 0)
                if Task.isShuttingDownGracefully { return }
            }
            let wake = nextDue.values.min() ?? ContinuousClock.now + interval
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(until: min(wake, ContinuousClock.now + interval), clock: .continuous)
            }
        }
    }

    private func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else {
            return interval * Double.random(in: 0.9...1.1)
        }
        let backoff = interval * Double(1 << min(failures - 1, 16))
        return min(backoff, maximumBackoff) * Double.random(in: 0.9...1.1)
    }
}
