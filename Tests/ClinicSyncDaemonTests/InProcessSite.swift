import AsyncHTTPClient
import ClinicSyncCore
import ClinicSyncTestSupport
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

@testable import ClinicSyncDaemon

/// A site's daemon assembled in this process by the composition root (``DaemonServices``), over
/// a real SQLite file and real HTTP on 127.0.0.1 (plain HTTP with shared secrets); its services
/// run in a `ServiceGroup` until ``stop()``.
final class InProcessSite: @unchecked Sendable {
    let name: String
    let directory: String
    let port: Int
    private(set) var application: SiteApplication
    private(set) var daemon: DaemonServices?
    private var group: ServiceGroup?
    private var running: Task<Void, any Error>?

    var configurationPath: String { directory + "/clinicsync.yaml" }

    init(_ name: String) throws {
        self.name = name
        directory = NSTemporaryDirectory() + "clinicsync-daemon-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try LoopbackPorts.next()
        try Self.configuration(name: name, port: port, peers: [], fleet: [], live: false).write(to: directory + "/clinicsync.yaml")
        application = try SiteApplication(configurationPath: directory + "/clinicsync.yaml")
        _ = try application.initialize()
    }

    deinit {
        running?.cancel()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var fingerprint: String { get throws { try application.identity().fingerprint } }

    /// The configuration: these peers (with their keys and the secrets of each pair) and these
    /// far sites, live sync as given, an hourly interval, no compaction.
    static func configuration(name: String, port: Int, peers: [InProcessSite], fleet: [InProcessSite], live: Bool) throws -> SiteConfigurationFile {
        var file = SiteConfigurationFile(site: name, database: "site.sqlite")
        file.listenPort = port
        file.metricsPort = try LoopbackPorts.next()
        file.controlSocket = "run/control.sock"
        file.intervalSeconds = 3600
        file.timeoutSeconds = 10
        file.live = live
        file.compactionIntervalSeconds = 0
        file.peers = try peers.map { .loopback($0.name, port: $0.port, fingerprint: try $0.fingerprint, of: name) }
        file.fleet = try fleet.map { .init(site: $0.name, fingerprint: try $0.fingerprint) }
        return file
    }

    /// Rewrites the configuration file (the running daemon reads it again only on reload).
    func configure(peers: [InProcessSite], fleet: [InProcessSite] = [], live: Bool = false) throws {
        try Self.configuration(name: name, port: port, peers: peers, fleet: fleet, live: live).write(to: configurationPath)
        application = try SiteApplication(configurationPath: configurationPath)
    }

    /// Builds the daemon's services with the composition root and runs them until ``stop()``;
    /// returns once the daemon is ready, or at once without `waitingUntilReady`.
    func start(waitingUntilReady: Bool = true) async throws {
        let configuration = try SiteConfiguration(path: configurationPath)
        var logger = Logger(label: "daemon-test-\(name)")
        logger.logLevel = .critical
        let http = PeerHTTPClient.make(requestTimeoutSeconds: 10)
        try Daemon.prepareSocketDirectory(configuration.controlSocket)
        let daemon = try DaemonServices.build(
            configuration: configuration, store: try configuration.openStore(), http: http, notifier: SystemdNotifier(environment: [:]),
            registry: PrometheusCollectorRegistry(), logger: logger)
        let group = ServiceGroup(configuration: .init(services: daemon.services, logger: logger))
        self.daemon = daemon
        self.group = group
        running = Task {
            // As `Daemon.run`: the coordinator and the client are shut down however the group ends,
            // so a failing group is a failed test, not a client torn down unclosed (a crash).
            do {
                try await group.run()
            } catch {
                await daemon.coordinator.shutdown()
                try? await http.shutdown()
                throw error
            }
            await daemon.coordinator.shutdown()
            try await http.shutdown()
        }
        if waitingUntilReady { try await daemon.ready.wait() }
    }

    /// Waits (up to 10 s) until the daemon's first round, which it runs with every peer as it
    /// starts, has ended with each peer, so a test's writes afterwards move only when it says.
    func settle() async throws {
        for _ in 0..<200 {
            let status = try await application.status()
            if status.peers.allSatisfy({ $0.lastAttempt != nil }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw POSIXError(.ETIMEDOUT)
    }

    /// Shuts the daemon down gracefully and waits for it.
    func stop() async throws {
        await group?.triggerGracefulShutdown()
        try await running?.value
    }
}
