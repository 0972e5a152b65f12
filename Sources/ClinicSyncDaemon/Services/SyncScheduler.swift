import ClinicSyncSync
import Foundation
import Logging
import ServiceLifecycle

/// Syncs with every peer on a schedule: every `sync.interval_seconds` (with ±10% jitter, so sites
/// started together do not stay in lock-step), and, while a peer fails, after an exponential
/// backoff capped at `sync.max_backoff_seconds`. With live sync, new changes in the store (see
/// ``LocalChangeWatcher``) make every peer that is not backing off due at once, after a short
/// pause that gathers a burst of writes into one round; the interval stays as the safety net.
/// Stops between rounds on graceful shutdown; a round in flight finishes (each of its batches is
/// applied whole or not at all).
///
/// After every turn it publishes a one-line `STATUS=` for `systemctl status`; the watchdog is
/// pinged by ``WatchdogHeartbeat``, independently of how long a round takes.
struct SyncScheduler: Service {
    let coordinator: SyncCoordinator
    let interval: Duration
    let maximumBackoff: Duration
    let trigger: SyncTrigger
    let notifier: SystemdNotifier
    let ready: ReadinessGate
    let logger: Logger

    /// How long live sync waits after noticing new changes before the round starts, so that a
    /// burst of writes (a booking and its prescription link, a batch import) goes out together.
    static let gatheringPause: Duration = .milliseconds(50)

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await ready.wait() }
        var nextDue: [String: ContinuousClock.Instant] = [:]
        var failures: [String: Int] = [:]
        var lastSuccess: Date?
        var wakeups = trigger.wakeups.makeAsyncIterator()
        await withGracefulShutdownHandler {
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
                let alarm = Task { [trigger] in
                    try await Task.sleep(until: deadline, clock: .continuous)
                    trigger.timerExpired()
                }
                let woken = await wakeups.next() != nil
                alarm.cancel()
                guard woken else { return }
                if trigger.takeNewChanges() {
                    try? await Task.sleep(for: Self.gatheringPause)
                    _ = trigger.takeNewChanges()
                    let now = ContinuousClock.now
                    // Peers backing off keep their schedule: an unreachable peer is not retried per write.
                    for name in current where (failures[name] ?? 0) == 0 { nextDue[name] = now }
                }
            }
        } onGracefulShutdown: {
            trigger.finish()
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
