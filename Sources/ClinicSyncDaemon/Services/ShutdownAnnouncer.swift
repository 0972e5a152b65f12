import ServiceLifecycle

/// Tells systemd `STOPPING=1` as soon as a graceful shutdown begins.
struct ShutdownAnnouncer: Service {
    let notifier: SystemdNotifier

    func run() async throws {
        try? await gracefulShutdown()
        notifier.notify("STOPPING=1")
    }
}
