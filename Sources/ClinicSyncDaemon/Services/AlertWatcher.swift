import ClinicSyncCore
import ClinicSyncStore
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The open alerts by kind as last computed, with the state they were computed from (the store's
/// version vector and the clinic's day): `status` from the daemon answers from it while neither has
/// moved, instead of computing every alert again (a second on a store of 20,000 visits).
final class OpenAlertCounts: Sendable {
    private let latest = Mutex<(vector: String, day: CalendarDate, counts: [String: Int])?>(nil)

    /// The counts computed at `vector` on `day`, if those are the latest.
    func counts(at vector: String, on day: CalendarDate) -> [String: Int]? {
        latest.withLock { entry in entry.flatMap { $0.vector == vector && $0.day == day ? $0.counts : nil } }
    }

    func record(_ counts: [String: Int], at vector: String, on day: CalendarDate) {
        latest.withLock { $0 = (vector, day, counts) }
    }
}

/// Recomputes the alerts when the store holds new changes (or the day may have turned), keeps
/// `clinicsync_alerts_open{kind}` current, and logs each alert newly raised while the daemon runs
/// once, by its ids only (alert, kind, patient, prescription, appointments, sites: never names,
/// diagnoses or notes). At start it logs how many are open by kind, not each one again.
struct AlertWatcher: Service {
    let configuration: SiteConfiguration
    let store: SiteStore
    let watch: CommitWatch
    let counts: OpenAlertCounts
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        var known: Set<String>?
        var rounds = 0
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Every minute regardless of changes: "today" moves expiry warnings and plan years.
            // The watch is asked every round, so that a minute's recomputation also moves it on.
            let changed = (try? await StoreThreads.run { [watch] in try watch.newChanges() }) ?? true
            let due = known == nil || rounds % 12 == 0 || changed
            let open = due ? await openAlerts(warn: !failing) : nil
            if due { failing = open == nil }
            if let open {
                record(open)
                if let previous = known {
                    for alert in open where !previous.contains(alert.id) { Self.log(alert, to: logger) }
                } else {
                    let counts = Dictionary(grouping: open, by: \.kind.rawValue).mapValues(\.count)
                    logger.info(
                        "open alerts",
                        metadata: ["count": "\(open.count)", "by_kind": "\(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"])
                }
                known = Set(open.map(\.id))
            }
            rounds += 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    private func openAlerts(warn: Bool) async -> [CoverageAlert]? {
        do {
            return try await StoreThreads.run { [store, configuration, counts] in
                // The vector is read first: a change landing meanwhile leaves it behind the data,
                // and the next status, seeing it moved, computes afresh.
                let vector = try store.versionVector().text
                let reading = try CoverageReading(store: store, settings: configuration.alerts)
                let open = reading.alerts.filter { !$0.acknowledged }
                counts.record(StatusReport.countByKind(open), at: vector, on: reading.rules.snapshot.today)
                return open
            }
        } catch {
            if warn { logger.warning("cannot compute alerts; trying again while the daemon runs", metadata: ["error": "\(error)"]) }
            return nil
        }
    }

    private func record(_ open: [CoverageAlert]) {
        let counts = Dictionary(grouping: open, by: \.kind).mapValues(\.count)
        for kind in CoverageAlert.Kind.allCases {
            Gauge(label: "clinicsync_alerts_open", dimensions: [("kind", kind.rawValue)]).record(counts[kind] ?? 0)
        }
    }

    static func log(_ alert: CoverageAlert, to logger: Logger) {
        var metadata: Logger.Metadata = [
            "alert": "\(alert.id)", "kind": "\(alert.kind.rawValue)",
            "appointments": "\(alert.appointmentIDs.map(\.rawValue).joined(separator: ","))", "sites": "\(alert.sites.joined(separator: ","))",
        ]
        if let patient = alert.patientID { metadata["patient_id"] = "\(patient)" }
        if let prescription = alert.prescriptionID { metadata["prescription"] = "\(prescription)" }
        logger.notice("alert raised", metadata: metadata)
    }
}
