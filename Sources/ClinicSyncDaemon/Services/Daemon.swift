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
            logger.warning("slow write transaction: it held, or waited for, the database for over a second", metadata: [
                "operation": "\(operation)", "duration_ms": "\(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)"])
        }
        if let problem = try store.clockProblem(configuredPeers: configuration.peerSiteIDs) {
            logger.warning("this site's clock is ahead: its changes are held at every peer until `clinicsync clock recover` or real time catches up",
                           metadata: ["problem": "\(problem)"])
        }
        let identity = try configuration.loadIdentityIfNeeded()
        let chains = CurrentChains(try SiteChains(configuration: configuration))
        let http = PeerHTTPClient.make(requestTimeoutSeconds: configuration.sync.requestTimeout.components.seconds)
        let coordinator = SyncCoordinator(configuration: configuration, store: store, http: http, identity: identity, chains: chains.value, logger: logger)
        let started = Date()

        let peers = PeerDirectory(configuration.peerDirectoryEntries)
        let peerRouter = Router(context: PeerRequestContext.self)
        let transport: PeerTransport = configuration.plaintext ? .plaintext : .tls
        let limits = PeerRequestLimits(bodyDeadline: configuration.sync.requestTimeout)
        PeerAPI(feed: StoreChangeFeed(store: store, configuredPeers: { peers.sites }, chains: { chains.value }), peers: peers, transport: transport, limits: limits, logger: logger)
            .addRoutes(to: peerRouter)
        // Idle connections close after five minutes (clients drop theirs after one), so a caller
        // that opens connections and sends nothing cannot hold them for ever.
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .minutes(5)))
        let server: HTTPServerBuilder
        if let identity, transport == .tls {
            server = try .tls(http1, configuration: PeerTLS.server(identity: identity, peers: peers, logger: logger))
        } else {
            logger.warning("serving peers over plain HTTP (server.plaintext: true); allowed on loopback only", metadata: [
                "listen": "\(configuration.listen)",
            ])
            server = http1
        }
        // READY=1 only once the store is open and the peer, control and metrics listeners are bound.
        let listening = Mutex(0)
        let ready = ReadinessGate()
        let announceReady: @Sendable () -> Void = {
            guard listening.withLock({ count in count += 1; return count }) == 3 else { return }
            notifier.notify("READY=1\nSTATUS=serving site \(configuration.siteID); first sync round under way")
            ready.open()
        }
        let peerServer = Application(
            router: peerRouter, server: server,
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "clinicsync"),
            onServerRunning: { _ in announceReady() }, logger: logger)

        try prepareSocketDirectory(configuration.controlSocket)
        let controlRouter = Router()
        ControlAPI(coordinator: coordinator, store: store) {
            DaemonInfo(pid: getpid(), startedAt: ISO8601DateFormatter().string(from: started),
                       uptimeSeconds: Int(Date().timeIntervalSince(started)), version: ClinicSyncVersion.current,
                       listen: configuration.listen.description)
        }.addRoutes(to: controlRouter)
        let socketPath = configuration.controlSocket
        let controlServer = Application(
            router: controlRouter, configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "clinicsync-control"),
            onServerRunning: { _ in
                chmod(socketPath, 0o660)
                announceReady()
            }, logger: logger)

        let metricsServer = MetricsEndpoint.application(
            address: configuration.metricsListen, registry: MetricsEndpoint.bootstrap(), configuration: configuration, store: store,
            onRunning: announceReady)
        let trigger = SyncTrigger()
        let scheduler = SyncScheduler(
            coordinator: coordinator, interval: configuration.sync.interval, maximumBackoff: configuration.sync.maximumBackoff,
            trigger: trigger, notifier: notifier, ready: ready, logger: logger)
        // Live sync: new changes in the store go out within about a second (see LocalChangeWatcher).
        let liveSync: [ServiceGroupConfiguration.ServiceConfiguration] = configuration.sync.live
            ? [.init(service: LocalChangeWatcher(watch: try CommitWatch(path: configuration.databasePath), trigger: trigger,
                                                 interval: .milliseconds(100), logger: logger))]
            : []
        let reloader = ConfigurationReloader(
            path: configuration.path, coordinator: coordinator, peers: peers, chains: chains, notifier: notifier, logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: peerServer), .init(service: controlServer), .init(service: metricsServer), .init(service: scheduler),
                .init(service: reloader), .init(service: ShutdownAnnouncer(notifier: notifier)),
                .init(service: WatchdogHeartbeat(notifier: notifier, ready: ready)),
                .init(service: StoreGauges(configuration: configuration, store: store)),
                .init(service: CompactionScheduler(
                    interval: configuration.compactionInterval, store: store,
                    members: { chains.value.members },
                    logger: logger)),
            ] + liveSync,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = maximumShutdownDuration
        logger.info("clinicsync serving", metadata: [
            "site": "\(configuration.siteID)", "fingerprint": "\(identity?.fingerprint.rawValue ?? "none")", "listen": "\(configuration.listen)", "control": "\(socketPath)", "metrics": "\(configuration.metricsListen)",
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
    private static func prepareSocketDirectory(_ socketPath: String) throws {
        let directory = (socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        unlink(socketPath)
    }
}
