import AsyncHTTPClient
import ClinicSyncCore

/// `clinicsync sync now` and `status`: through the running daemon when one answers on the
/// control socket, otherwise directly on the store, with the same ``SyncCoordinator`` the daemon uses.
enum ManualSync {
    /// Runs one round with `peer` (or every peer); `progress` sees changes moved so far.
    static func run(
        configuration: SiteConfiguration, peer: String?, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> SyncReport {
        try await HTTPClient.using(PeerHTTPClient.makeControl()) { controlHTTP in
            let control = ControlClient(socketPath: configuration.controlSocket, http: controlHTTP)
            if try await control.info() != nil {
                return try await viaDaemon(control, peer: peer, progress: progress)
            }
            let http = PeerHTTPClient.make(requestTimeoutSeconds: configuration.sync.requestTimeout.components.seconds)
            return try await HTTPClient.using(http) { http in
                let coordinator = SyncCoordinator(
                    configuration: configuration, store: try configuration.openStore(), http: http,
                    identity: try configuration.loadIdentityIfNeeded(), chains: try SiteChains(configuration: configuration),
                    logger: DaemonLogging.logger(level: "error"))
                do {
                    let report = try await coordinator.runRound(peer: peer, progress: progress)
                    await coordinator.shutdown()
                    return report
                } catch {
                    await coordinator.shutdown()
                    throw error
                }
            }
        }
    }

    private static func viaDaemon(
        _ control: ControlClient, peer: String?, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws -> SyncReport {
        var report: SyncReport?
        var failure: (any Error)?
        try await control.sync(peer: peer) { event in
            if let update = event.progress { progress(update) }
            if let final = event.report { report = final }
            if let error = event.error { failure = ManualSyncError.daemon(message: error, isUsage: event.usageError == true) }
        }
        if let failure { throw failure }
        guard let report else { throw DaemonError.control(reason: "the daemon ended the round without a report") }
        return report
    }

    /// The status report: from the daemon when it answers (the caller needs access to its control
    /// socket only), otherwise read from the store, read-only.
    static func status(configuration: SiteConfiguration) async throws -> StatusReport {
        let (fromDaemon, daemon) = try await HTTPClient.using(PeerHTTPClient.makeControl()) { http in
            let control = ControlClient(socketPath: configuration.controlSocket, http: http)
            guard let report = try await control.report() else { return (nil as StatusReport?, try await control.info()) }
            return (report, nil)
        }
        if let fromDaemon { return fromDaemon }
        // No daemon, or one too old to serve the report: read the store, read-only.
        return try StatusReport.gather(configuration: configuration, store: try configuration.openStoreReadOnly(), daemon: daemon)
    }
}

/// A failure the daemon reported for a round it was asked to run.
enum ManualSyncError: Error, CustomStringConvertible {
    case daemon(message: String, isUsage: Bool)

    var description: String {
        switch self {
        case let .daemon(message, _): return message
        }
    }
}
