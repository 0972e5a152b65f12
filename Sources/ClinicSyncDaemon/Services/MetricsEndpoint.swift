import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// `GET /metrics` (Prometheus text), `GET /health` (liveness) and `GET /ready` (the store answers),
/// served on `metrics.listen` without TLS or client certificates: bind it to loopback or a
/// monitoring network only. Counters are kept by swift-metrics as work happens; gauges that describe
/// the store are refreshed every five seconds by ``StoreGauges`` (counting a large change log takes
/// longer than a scrape may), so a scrape only renders what is there.
enum MetricsEndpoint {
    /// Bootstraps swift-metrics with a Prometheus registry (once per process) and returns it.
    static func bootstrap() -> PrometheusCollectorRegistry {
        registry
    }

    private static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static func application(
        address: ListenAddress, registry: PrometheusCollectorRegistry, configuration: SiteConfiguration, store: SiteStore,
        onRunning: @escaping @Sendable () -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ -> Response in
            let ready = (try? await StoreThreads.run { try store.clock() }) != nil
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                body: ResponseBody(byteBuffer: ByteBuffer(string: ready ? "ready\n" : "store unavailable\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: "clinicsync-metrics"),
            onServerRunning: { _ in onRunning() })
    }

    /// Refreshes the store's gauges; returns the origins held now, so that the next refresh can
    /// zero the gauges of those released meanwhile.
    @discardableResult
    static func refreshGauges(configuration: SiteConfiguration, store: SiteStore, previouslyHeld: Set<String> = []) -> Set<String> {
        if let conflicts = try? store.identityConflicts() { Gauge(label: "clinicsync_identity_conflicts").record(conflicts.count) }
        var held: Set<String> = []
        if let records = try? store.heldOrigins() {
            Gauge(label: "clinicsync_held_origins").record(records.count)
            for record in records {
                let ahead: Double
                switch record.held.reason {
                case let .ahead(aheadBy, _): ahead = Double(aheadBy.value) / 1000
                case .invalid: ahead = 0
                }
                Gauge(label: "clinicsync_held_origin_ahead_seconds", dimensions: [("origin", record.held.origin.rawValue)]).record(ahead)
                Gauge(label: "clinicsync_held_origin_sequence", dimensions: [("origin", record.held.origin.rawValue)]).record(
                    Double(record.held.sequence))
                held.insert(record.held.origin.rawValue)
            }
            for released in previouslyHeld.subtracting(held) {
                Gauge(label: "clinicsync_held_origin_ahead_seconds", dimensions: [("origin", released)]).record(0)
                Gauge(label: "clinicsync_held_origin_sequence", dimensions: [("origin", released)]).record(0)
            }
        }
        guard let statistics = try? store.statistics() else { return held }
        Gauge(label: "clinicsync_change_log_entries").record(statistics.changeLogEntries)
        Gauge(label: "clinicsync_conflict_journal_entries").record(statistics.conflicts)
        Gauge(label: "clinicsync_appointments").record(statistics.appointments)
        Gauge(label: "clinicsync_prescriptions").record(statistics.prescriptions)
        if let unsealed = try? store.unsealedCount(limit: StatusReport.countLimit) { Gauge(label: "clinicsync_unsealed_changes").record(unsealed) }
        if let captured = try? store.versionVector().sequences[store.siteID] {
            Gauge(label: "clinicsync_local_sequence").record(Double(captured))
        }
        Gauge(label: "clinicsync_changes_captured").record((try? store.localChangeCount()) ?? 0)
        let recorded = (try? store.peerStates()) ?? []
        for peer in configuration.peers {
            let vector = recorded.first { $0.peer == peer.name }?.peerVector ?? VersionVector()
            Gauge(label: "clinicsync_peer_lag_changes", dimensions: [("peer", peer.name)])
                .record((try? store.missingCount(from: vector, limit: StatusReport.countLimit)) ?? 0)
        }
        return held
    }
}

/// Counters updated as sync work happens; no-ops in processes that did not bootstrap metrics.
enum SyncMetrics {
    static func roundFinished(_ entry: SyncReport.Peer, duration: Duration) {
        let peer = [("peer", entry.peer)]
        Counter(label: "clinicsync_sync_rounds_total", dimensions: peer + [("result", entry.ok ? "ok" : "failed")]).increment()
        if !entry.ok { Counter(label: "clinicsync_sync_failures_total", dimensions: peer).increment() }
        Counter(label: "clinicsync_changes_sent_total", dimensions: peer).increment(by: entry.sent)
        Counter(label: "clinicsync_changes_received_total", dimensions: peer).increment(by: entry.received)
        Counter(label: "clinicsync_wire_bytes_sent_total", dimensions: peer).increment(by: entry.bytesOut)
        Counter(label: "clinicsync_wire_bytes_received_total", dimensions: peer).increment(by: entry.bytesIn)
        Metrics.Timer(label: "clinicsync_sync_duration_seconds", dimensions: peer, preferredDisplayUnit: .seconds)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    static func applied(_ outcome: ApplyOutcome) {
        Counter(label: "clinicsync_changes_applied_total").increment(by: outcome.applied)
        Counter(label: "clinicsync_changes_duplicate_total").increment(by: outcome.duplicates)
        Counter(label: "clinicsync_conflicts_total").increment(by: outcome.conflicts)
    }

    /// A batch refused because one origin's changes could not be verified as written by it.
    static func chainRefused(_ refusal: ChainRefusal) {
        Counter(label: "clinicsync_chain_refusals_total", dimensions: [("origin", refusal.origin.rawValue), ("code", refusal.code.rawValue)])
            .increment()
    }
}

/// Refreshes the gauges that describe the store every five seconds, off the scrape path.
struct StoreGauges: Service {
    let configuration: SiteConfiguration
    let store: SiteStore

    func run() async throws {
        var held: Set<String> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let previous = held
            held =
                (try? await StoreThreads.run { [configuration, store] in
                    MetricsEndpoint.refreshGauges(configuration: configuration, store: store, previouslyHeld: previous)
                }) ?? held
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
        }
    }
}
