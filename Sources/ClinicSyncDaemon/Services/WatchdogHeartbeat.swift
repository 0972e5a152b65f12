import ServiceLifecycle

/// Pings systemd's watchdog (`WATCHDOG=1`) every half timeout once the daemon is ready.
///
/// It runs on its own, not inside the sync loop: a sync round, an apply or a compaction may wait
/// for the database for a long time (another program's write lock, a million changes) without the
/// daemon being stuck, and store calls run off the cooperative pool (``StoreThreads``), so a ping
/// that stops coming means the process itself no longer schedules work.
struct WatchdogHeartbeat: Service {
    let notifier: SystemdNotifier
    let ready: ReadinessGate

    func run() async throws {
        guard let interval = notifier.watchdogInterval else { return try await gracefulShutdown() }
        guard await ready.waitUnlessShutDown() else { return }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            notifier.notify("WATCHDOG=1")
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
