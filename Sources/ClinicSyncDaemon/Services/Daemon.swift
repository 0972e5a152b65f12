import AsyncHTTPClient
import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `clinicsync serve`: the peer API, the control socket and the sync scheduler in one
/// `ServiceGroup`. SIGTERM or SIGINT start a graceful shutdown: listeners stop taking work, a round
/// in flight finishes its batch or abandons it unapplied, then the store closes and `run` returns.
enum Daemon {
    /// How long a graceful shutdown may take before remaining work is cancelled; shorter than the
    /// systemd unit's `TimeoutStopSec`.
    static let maximumShutdownDuration: Duration = .seconds(20)

    /// Serves until a shutdown signal arrives. A site whose changes would be held everywhere (its
    /// clock ran fast) still starts, with a warning: it keeps receiving and relaying every other
    /// site's changes, and its record writes are refused until it recovers.
    ///
    /// `configuration` is read only once SIGHUP is ignored: a reload signalled while the daemon
    /// starts (before its reloader listens) must not end the process, SIGHUP's default action. One
    /// signalled before the configuration is read is moot; one between that and the reloader
    /// listening (a fraction of a second) is lost, as systemd sends none before `READY=1`.
    static func run(configuration load: @autoclosure () throws -> SiteConfiguration) async throws {
        signal(SIGHUP, SIG_IGN)
        let configuration = try load()
        let logger = DaemonLogging.logger(level: configuration.logLevel)
        let notifier = SystemdNotifier()
        let lockPath = configuration.databasePath + ".daemon-lock"
        guard let daemonLock = try FileLock.tryAcquire(path: lockPath) else {
            throw DaemonError.alreadyRunning(path: lockPath, holder: FileLock.holderText(path: lockPath))
        }
        daemonLock.write(String(getpid()))
        try configuration.listen.checkAvailable()
        try configuration.metricsListen.checkAvailable()
        let store = try configuration.openStore()
        store.reportSlowWrites(over: .seconds(1)) { operation, duration in
            Counter(label: "clinicsync_slow_write_transactions_total").increment()
            logger.warning(
                "slow write transaction: it held, or waited for, the database for over a second",
                metadata: [
                    "operation": "\(operation)",
                    "duration_ms": "\(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)",
                ])
        }
        if let problem = try store.clockProblem(configuredPeers: configuration.peerSiteIDs) {
            logger.warning(
                "this site's clock is ahead: its changes are held at every peer until `clinicsync clock recover` or real time catches up",
                metadata: ["problem": "\(problem)"])
        }
        let http = PeerHTTPClient.make(requestTimeoutSeconds: configuration.sync.requestTimeout.components.seconds)
        try prepareSocketDirectory(configuration.controlSocket)
        let daemon = try DaemonServices.build(
            configuration: configuration, store: store, http: http, notifier: notifier, registry: MetricsEndpoint.bootstrap(), logger: logger)
        let coordinator = daemon.coordinator
        let socketPath = configuration.controlSocket
        var groupConfiguration = ServiceGroupConfiguration(
            services: daemon.services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = maximumShutdownDuration
        logger.info(
            "clinicsync serving",
            metadata: [
                "site": "\(configuration.siteID)", "fingerprint": "\(daemon.identity?.fingerprint.rawValue ?? "none")",
                "listen": "\(configuration.listen)", "control": "\(socketPath)", "metrics": "\(configuration.metricsListen)",
                "peers": "\(configuration.peers.map(\.name).joined(separator: ","))", "version": "\(ClinicSyncVersion.current)",
            ])
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            await coordinator.shutdown()
            try? await http.shutdown()
            unlink(socketPath)
            throw error
        }
        await coordinator.shutdown()
        try await http.shutdown()
        unlink(socketPath)
        withExtendedLifetime(daemonLock) {}
        logger.info("clinicsync stopped", metadata: ["site": "\(configuration.siteID)"])
    }

    /// Creates the socket's directory and removes a socket left by a daemon that died (we hold the
    /// daemon lock, so no live daemon owns it).
    static func prepareSocketDirectory(_ socketPath: String) throws {
        let directory = (socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        unlink(socketPath)
    }
}
