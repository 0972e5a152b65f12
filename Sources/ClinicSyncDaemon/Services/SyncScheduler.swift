import ClinicSyncSync
import Foundation
import Logging
import ServiceLifecycle

/// Runs the rounds ``SyncSchedule`` says are due: every `sync.interval_seconds`, with backoff
/// while a peer fails, and, with live sync, as soon as the store holds new changes (after a short
/// pause that gathers a burst of writes into one round) or a failing peer calls in. Stops between
/// rounds on graceful shutdown; a round in flight finishes (each of its batches is applied whole or
/// not at all).
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
        guard await ready.waitUnlessShutDown() else { return }
        let clock = ContinuousClock()
        var schedule = SyncSchedule<ContinuousClock.Instant>(interval: interval, maximumBackoff: maximumBackoff)
        var lastSuccess: Date?
        var wakeups = trigger.wakeups.makeAsyncIterator()
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let peers = await coordinator.peers.map(\.name)
                for peer in schedule.due(peers, at: clock.now) {
                    do {
                        let succeeded = try await coordinator.runRound(peer: peer, lockTimeout: .seconds(5)).succeeded
                        if succeeded { lastSuccess = Date() }
                        schedule.roundFinished(peer, succeeded: succeeded, at: clock.now)
                    } catch DaemonError.syncBusy {
                        // The round did not start (a `sync now` held the lock): not the peer's failure.
                        logger.notice("scheduled sync skipped: another round holds the store", metadata: ["peer": "\(peer)"])
                        schedule.roundSkipped(peer, at: clock.now)
                    } catch {
                        // Anything else (a lock file that cannot be opened, a store that cannot be
                        // read) backs off like a failed round, so a lasting fault is not retried every second.
                        logger.notice("scheduled sync failed to start", metadata: ["peer": "\(peer)", "reason": "\(error)"])
                        schedule.roundFinished(peer, succeeded: false, at: clock.now)
                    }
                    if Task.isShuttingDownGracefully { return }
                }
                let inSync = peers.filter { !schedule.isFailing($0) }.count
                let last = lastSuccess.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
                notifier.notify("STATUS=in sync with \(inSync) of \(peers.count) peers; last successful sync \(last)")
                let deadline = schedule.wakeUp(for: peers, after: clock.now)
                let alarm = Task { [trigger] in
                    try await clock.sleep(until: deadline)
                    trigger.timerExpired()
                }
                let woken = await wakeups.next() != nil
                alarm.cancel()
                guard woken else { return }
                let news = trigger.take()
                Self.absorb(news, into: &schedule, peers: peers, at: clock.now)
                if news.changesArrived {
                    try? await clock.sleep(for: Self.gatheringPause)
                    // What arrived during the pause goes out in the same round.
                    Self.absorb(trigger.take(), into: &schedule, peers: peers, at: clock.now)
                    schedule.changesArrived(peers, at: clock.now)
                }
            }
        } onGracefulShutdown: {
            trigger.finish()
        }
    }

    /// Call-ins and `sync now` results of `news`, for the configured `peers`.
    private static func absorb(
        _ news: SyncTrigger.News, into schedule: inout SyncSchedule<ContinuousClock.Instant>, peers: [String], at now: ContinuousClock.Instant
    ) {
        for peer in news.heard where peers.contains(peer) { schedule.peerCalled(peer, at: now) }
        for (peer, syncedAt) in news.synced where peers.contains(peer) { schedule.syncedElsewhere(peer, syncedAt: syncedAt) }
    }
}
