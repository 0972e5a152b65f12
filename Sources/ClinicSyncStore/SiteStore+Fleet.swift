package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// This site's report about itself now: what it holds, its configured peers, its clock.
    package func ownReport(peers: [SiteID]) throws(StoreError) -> FleetReport {
        try read { db in try ownReport(db, peers: peers) }
    }

    func ownReport(_ db: Database, peers: [SiteID]) throws -> FleetReport {
        // The clock as it reads now (without issuing a timestamp), so later reports say later.
        let clock = try WriteTransaction.loadClock(db)
        let now = HybridTimestamp(milliseconds: min(wallClock.nowMilliseconds(), HybridTimestamp.maxMilliseconds), counter: 0)
        return FleetReport(
            site: siteID, vector: try VersionVectorTable.load(db, asking: true), peers: peers, at: max(clock, now), maximumDrift: maximumDrift,
            incarnation: try KnownIncarnations.own(db))
    }

    /// The drift bound this site applies to received changes: the smallest of its own and every
    /// bound a member of the fleet reported (see ``FleetView/agreedDrift(own:site:configuredPeers:)``).
    package func agreedDrift(configuredPeers: [SiteID]) throws(StoreError) -> Milliseconds {
        try read { db in try Self.fleetView(db).agreedDrift(own: maximumDrift, site: siteID, configuredPeers: configuredPeers) }
    }

    /// The latest report known from every other site.
    package func fleetView() throws(StoreError) -> FleetView {
        try read { db in try Self.fleetView(db) }
    }

    static func fleetView(_ db: Database) throws -> FleetView {
        FleetView(
            try Row.fetchAll(db, sql: "SELECT site, vector, peers, reported_hlc, max_drift_ms FROM fleet_reports").map { row in
                FleetReport(
                    site: try SiteID(row["site"]), vector: try VersionVector(text: row["vector"]),
                    peers: try (row["peers"] as String).split(separator: ",").map { text throws(ValidationError) in try SiteID(String(text)) },
                    at: try ChangeLogDecoder.timestamp(row["reported_hlc"]),
                    maximumDrift: (row["max_drift_ms"] as Int64?).map { Milliseconds(UInt64(max(60_000, $0))) })
            })
    }

    /// Keeps each report that is newer than the one known from its site (this site's own are ignored:
    /// its own state is read live). `sender` is the site the reports came from (authenticated): its
    /// own report from a second database under its site id is not kept but recorded (see
    /// ``identityConflicts()``). A report dated beyond this site's drift bound is kept as dated at
    /// the bound, so that a site whose clock ran fast does not stay "newest" until real time catches
    /// up; at most ``FleetView/maximumSites`` sites are remembered.
    /// Returns the identity conflict that refuses `sender`, if its own report comes from another
    /// database than the one known under its site id.
    @discardableResult
    package func learn(_ reports: [FleetReport], from sender: SiteID? = nil) throws(StoreError) -> IdentityConflict? {
        guard !reports.isEmpty else { return nil }
        let now = wallClock.nowMilliseconds()
        let latest = HybridTimestamp(
            milliseconds: min(now.addingReportingOverflow(maximumDrift.value).partialValue, HybridTimestamp.maxMilliseconds),
            counter: 0)
        return try StoreError.mapping(path: path) {
            try timedWrite { db in
                var others: [FleetReport] = []
                for report in reports where report.site != siteID {
                    guard try KnownIncarnations.admit(db, report, sender: sender, now: now) else { continue }
                    if report.site == sender { try PeerClockReadings.record(db, peer: report.site, reportedAt: report.at, now: now) }
                    others.append(
                        report.at <= latest
                            ? report
                            : FleetReport(
                                site: report.site, vector: report.vector, peers: report.peers, at: latest, maximumDrift: report.maximumDrift,
                                incarnation: report.incarnation))
                }
                let refusal = try sender.flatMap { sender in
                    try KnownIncarnations.conflicts(db).first { $0.site == sender }
                        .flatMap { conflict in reports.first { $0.site == sender }?.incarnation == conflict.known ? nil : conflict }
                }
                if refusal == nil, let sender, let own = reports.first(where: { $0.site == sender }) {
                    try Self.recovered(db, from: own, site: siteID)
                }
                guard !others.isEmpty else { return refusal }
                var view = try Self.fleetView(db)
                others.removeAll { view.reports[$0.site] == nil && view.reports.count >= FleetView.maximumSites }
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO fleet_reports (site, vector, peers, reported_hlc, max_drift_ms) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (site) DO UPDATE SET vector = excluded.vector, peers = excluded.peers,
                            reported_hlc = excluded.reported_hlc, max_drift_ms = excluded.max_drift_ms
                        """)
                for report in others where view.learn(report) {
                    try statement.execute(arguments: [
                        report.site.rawValue, report.vector.text, report.peers.map(\.rawValue).joined(separator: ","), report.at.rawValue,
                        report.maximumDrift.map { Int64(clamping: $0.value) },
                    ])
                }
                return refusal
            }
        }
    }
}
