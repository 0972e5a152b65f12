import ClinicSyncSync
import Foundation
import Logging
import ServiceLifecycle

/// Syncs with every peer on a schedule: every `sync.interval_seconds` (with ±10% jitter, so sites
/// started together do not stay in lock-step), and, while a peer fails, after an exponential
/// backoff capped at `sync.max_backoff_seconds`. Stops between rounds on graceful shutdown; a
/// round in flight finishes (each of its batches is applied whole or not at all).
///
/// After every turn it publishes a one-line `STATUS=` for `systemctl status`; the watchdog is
/// pinged by ``WatchdogHeartbeat``, independently of how long a round takes.
struct SyncScheduler: Service {
    let coordinator: SyncCoordinator
    let interval: Duration
    let maximumBackoff: Duration
    let notifier: SystemdNotifier
    let ready: ReadinessGate
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await ready.wait() }
        var nextDue: [String: ContinuousClock.Instant] = [:]
        var failures: [String: Int] = [:]
        var lastSuccess: Date?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = ContinuousClock.now
            let peers = await coordinator.peers
            for peer in peers where (nextDue[peer.name] ?? now) <= now {
                let succeeded: Bool
                do {
                    succeeded = try await coordinator.runRound(peer: peer.name, lockTimeout: .seconds(5)).succeeded
                } catch {
                    logger.notice("scheduled sync skipped", metadata: ["peer": "\(peer.name)", "reason": "\(error)"])
                    succeeded = false
                }
                if succeeded { lastSuccess = Date() }
                failures[peer.name] = succeeded ? 0 : (failures[peer.name] ?? 0) + 1
                nextDue[peer.name] = ContinuousClock.now + delay(afterFailures: failures[peer.name] ?? 0)
                if Task.isShuttingDownGracefully { return }
            }
            let current = Set(peers.map(\.name))
            let inSync = current.filter { failures[$0] == 0 }.count
            let last = lastSuccess.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
            notifier.notify("STATUS=in sync with \(inSync) of \(current.count) peers; last successful sync \(last)")
            let deadline = min(nextDue.filter { current.contains($0.key) }.values.min() ?? ContinuousClock.now + interval,
                               ContinuousClock.now + interval)
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(until: deadline, clock: .continuous)
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
