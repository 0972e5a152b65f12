extension SiteApplication {
    /// Runs the site's daemon until SIGTERM or SIGINT. Static, because the daemon ignores SIGHUP
    /// before it reads the configuration (see ``Daemon/run(configuration:)``).
    package static func serve(configurationPath: String) async throws(ApplicationError) {
        try await classifyingErrors { try await Daemon.run(configuration: try SiteConfiguration(path: configurationPath)) }
    }

    /// Syncs with `peer` (or every peer) now, through the running daemon or, with none, in this
    /// process; `progress` sees the changes moved so far. A peer that failed is reported in the
    /// result, not thrown.
    package func syncNow(peer: String?, progress: @escaping @Sendable (SyncProgress) -> Void) async throws(ApplicationError) -> SyncReport {
        do {
            return try await ManualSync.run(configuration: configuration, peer: peer, progress: progress)
        } catch let ManualSyncError.daemon(message, isUsage) {
            throw ApplicationError(isUsage ? .usage : .failure, message)
        } catch {
            throw ApplicationError(classifying: error)
        }
    }

    /// The site at a glance: from the daemon when one answers on the control socket, otherwise
    /// read from the store, read-only.
    package func status() async throws(ApplicationError) -> StatusReport {
        try await classifyingErrors { try await ManualSync.status(configuration: configuration) }
    }
}
