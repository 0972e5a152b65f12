import AsyncHTTPClient
import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// The composition root: every service of a site's daemon, built from its configuration and the
/// collaborators given (the open store, the HTTP client for plain-HTTP peers, the systemd
/// notifier, the metrics registry, the logger). `clinicsync serve` and the in-process tests
/// assemble a site through this one function; what is process-wide (the daemon lock, signals, the
/// metrics system) stays with ``Daemon``.
struct DaemonServices {
    let coordinator: SyncCoordinator
    let peers: PeerDirectory
    let ready: ReadinessGate
    let reloader: ConfigurationReloader
    let identity: SiteIdentity?
    /// Every service, for one `ServiceGroup`.
    let services: [ServiceGroupConfiguration.ServiceConfiguration]

    static func build(
        configuration: SiteConfiguration, store: SiteStore, http: HTTPClient, notifier: SystemdNotifier,
        registry: PrometheusCollectorRegistry, logger: Logger, started: Date = Date()
    ) throws -> DaemonServices {
        let identity = try configuration.loadIdentityIfNeeded()
        let chains = CurrentChains(try SiteChains(configuration: configuration))
        let trigger = SyncTrigger()
        let coordinator = SyncCoordinator(
            configuration: configuration, store: store, http: http, identity: identity, chains: chains.value, logger: logger)
        let peers = PeerDirectory(configuration.peerDirectoryEntries)

        // READY=1 only once the store is open and the peer, control, metrics and console listeners are bound.
        let listening = Mutex(0)
        let ready = ReadinessGate()
        let alertCounts = OpenAlertCounts()
        let announceReady: @Sendable () -> Void = {
            guard
                listening.withLock({ count in
                    count += 1
                    return count
                }) == (configuration.consoleListen == nil ? 3 : 4)
            else { return }
            notifier.notify("READY=1\nSTATUS=serving site \(configuration.siteID); first sync round under way")
            ready.open()
        }
        let peerServer = try peerServer(
            configuration: configuration, store: store, identity: identity, peers: peers, chains: chains, trigger: trigger, logger: logger,
            onRunning: announceReady)
        let controlServer = controlServer(
            configuration: configuration, coordinator: coordinator, store: store, trigger: trigger, started: started, alertCounts: alertCounts,
            logger: logger,
            onRunning: announceReady)
        let metricsServer = MetricsEndpoint.application(
            address: configuration.metricsListen, registry: registry, configuration: configuration, store: store, onRunning: announceReady)
        var console: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let address = configuration.consoleListen {
            let tls = configuration.consoleTLS ? try (identity ?? configuration.identityFiles.load()) : nil
            console = [
                .init(
                    service: try ConsoleServer.application(
                        configuration: configuration, address: address, identity: tls, logger: logger, onRunning: announceReady))
            ]
        }
        let scheduler = SyncScheduler(
            coordinator: coordinator, interval: configuration.sync.interval, maximumBackoff: configuration.sync.maximumBackoff,
            trigger: trigger, notifier: notifier, ready: ready, logger: logger)
        // Live sync: new changes in the store go out within about a second (see LocalChangeWatcher).
        let liveSync: [ServiceGroupConfiguration.ServiceConfiguration] =
            configuration.sync.live
            ? [
                .init(
                    service: LocalChangeWatcher(
                        watch: try CommitWatch(path: configuration.databasePath), trigger: trigger,
                        interval: .milliseconds(100), logger: logger))
            ]
            : []
        let reloader = ConfigurationReloader(
            path: configuration.path, coordinator: coordinator, peers: peers, chains: chains, notifier: notifier, logger: logger)
        let services: [ServiceGroupConfiguration.ServiceConfiguration] =
            [
                .init(service: peerServer), .init(service: controlServer), .init(service: metricsServer), .init(service: scheduler),
                .init(service: reloader), .init(service: ShutdownAnnouncer(notifier: notifier)),
                .init(service: WatchdogHeartbeat(notifier: notifier, ready: ready)),
                .init(service: StoreGauges(configuration: configuration, store: store)),
                .init(
                    service: AlertWatcher(
                        configuration: configuration, store: store, watch: try CommitWatch(path: configuration.databasePath), counts: alertCounts,
                        logger: logger)),
                .init(
                    service: CompactionScheduler(
                        interval: configuration.compactionInterval, store: store, members: { chains.value.members }, logger: logger)),
            ] + liveSync + console
        return DaemonServices(
            coordinator: coordinator, peers: peers, ready: ready, reloader: reloader, identity: identity,
            services: services)
    }

    /// The peer API on `server.listen`: over mutual TLS with the site's identity, or (loopback only)
    /// plain HTTP with shared secrets.
    private static func peerServer(
        configuration: SiteConfiguration, store: SiteStore, identity: SiteIdentity?, peers: PeerDirectory, chains: CurrentChains,
        trigger: SyncTrigger, logger: Logger, onRunning: @escaping @Sendable () -> Void
    ) throws -> some Service {
        let router = Router(context: PeerRequestContext.self)
        let transport: PeerTransport = configuration.plaintext ? .plaintext : .tls
        let feed = StoreChangeFeed(store: store, configuredPeers: { peers.sites }, chains: { chains.value })
        // With live sync, a peer that calls in is retried at once if it was failing.
        var served: @Sendable (SiteID) -> Void = { _ in }
        if configuration.sync.live { served = { site in trigger.peerHeard(site.rawValue) } }
        PeerAPI(
            feed: feed, peers: peers, transport: transport, limits: PeerRequestLimits(bodyDeadline: configuration.sync.requestTimeout),
            logger: logger, served: served
        )
        .addRoutes(to: router)
        // Idle connections close after five minutes (clients drop theirs after one), so a caller
        // that opens connections and sends nothing cannot hold them for ever.
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .minutes(5)))
        let server: HTTPServerBuilder
        if let identity, transport == .tls {
            server = try .tls(http1, configuration: PeerTLS.server(identity: identity, peers: peers, logger: logger))
        } else {
            logger.warning(
                "serving peers over plain HTTP (server.plaintext: true); allowed on loopback only",
                metadata: [
                    "listen": "\(configuration.listen)"
                ])
            server = http1
        }
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "clinicsync"),
            onServerRunning: { _ in onRunning() }, logger: logger)
    }

    /// The control API on the Unix socket `control.socket`, owner and group only.
    private static func controlServer(
        configuration: SiteConfiguration, coordinator: SyncCoordinator, store: SiteStore, trigger: SyncTrigger, started: Date,
        alertCounts: OpenAlertCounts, logger: Logger, onRunning: @escaping @Sendable () -> Void
    ) -> some Service {
        let router = Router()
        // A `sync now` that reached a peer the scheduler backs off ends its backoff.
        ControlAPI(
            coordinator: coordinator, store: store, synced: { trigger.peerSynced($0, at: $1) },
            info: {
                DaemonInfo(
                    pid: getpid(), startedAt: ISO8601DateFormatter().string(from: started),
                    uptimeSeconds: Int(Date().timeIntervalSince(started)), version: ClinicSyncVersion.current,
                    listen: configuration.listen.description)
            }, alertCounts: alertCounts
        ).addRoutes(to: router)
        let socketPath = configuration.controlSocket
        return Application(
            router: router, configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "clinicsync-control"),
            onServerRunning: { _ in
                chmod(socketPath, 0o660)
                onRunning()
            }, logger: logger)
    }
}
