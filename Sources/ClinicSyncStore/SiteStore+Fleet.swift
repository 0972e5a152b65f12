import ClinicSyncCore
import GRDB

extension SiteStore {
    /// This site's report about itself now: what it holds, its configured peers, its clock.
    public func ownReport(peers: [SiteID]) throws(StoreError) -> FleetReport {
        try read { db in try ownReport(db, peers: peers) }
    }

    func ownReport(_ db: Database, peers: [SiteID]) throws -> FleetReport {
        // The clock as it reads now (without issuing a timestamp), so later reports say later.
        let clock = try WriteTransaction.loadClock(db)
        let now = HybridTimestamp(milliseconds: min(wallClock.nowMilliseconds(), HybridTimestamp.maxMilliseconds), counter: 0)
        let head = try Row.fetchOne(db, sql: "SELECT seq, hlc FROM change_log WHERE origin = ? ORDER BY seq DESC LIMIT 1",
                                    arguments: [siteID.rawValue]).flatMap { row in
            HybridTimestamp(rawValue: row["hlc"]).map { FleetReport.Head(sequence: row["seq"], timestamp: $0) }
        }
        return FleetReport(
            site: siteID, vector: try VersionVectorTable.load(db, asking: true), peers: peers, at: max(clock, now), maximumDrift: maximumDrift,
            incarnation: try String.fetchOne(db, sql: "SELECT incarnation FROM site_identity"), head: head)
    }

    /// The drift bound this site applies to received changes: the smallest of its own and every
    /// bound a member of the fleet reported (see ``FleetView/agreedDrift(own:site:configuredPeers:)``).
    public func agreedDrift(configuredPeers: [SiteID]) throws(StoreError) -> Milliseconds {
        try read { db in try Self.fleetView(db).agreedDrift(own: maximumDrift, site: siteID, configuredPeers: configuredPeers) }
    }

    /// The latest report known from every other site.
    public func fleetView() throws(StoreError) -> FleetView {
        try read { db in try Self.fleetView(db) }
    }

    static func fleetView(_ db: Database) throws -> FleetView {
        FleetView(try Row.fetchAll(db, sql: """
            SELECT site, vector, peers, reported_hlc, max_drift_ms, incarnation, head_seq, head_hlc FROM fleet_reports
            """).map { row in
            let head: FleetReport.Head? = (row["head_seq"] as Int64?).flatMap { sequence in
                (row["head_hlc"] as Int64?).flatMap(HybridTimestamp.init(rawValue:)).map { FleetReport.Head(sequence: sequence, timestamp: $0) }
            }
            return FleetReport(
                site: try SiteID(row["site"]), vector: try VersionVector(text: row["vector"]),
                peers: try (row["peers"] as String).split(separator: ",").map { text throws(ValidationError) in try SiteID(String(text)) },
                at: try ChangeLogDecoder.timestamp(row["reported_hlc"]),
                maximumDrift: (row["max_drift_ms"] as Int64?).map { Milliseconds(UInt64(max(60_000, $0))) },
                incarnation: row["incarnation"], head: head)
        })
    }

    /// Keeps each report that is newer than the one known from its site (this site's own are ignored:
    /// its own state is read live), after checking every report, this site's own included, against
    /// what this site knows of the reporting database (see ``IdentityConflicts``).
    public func learn(_ reports: [FleetReport]) throws(StoreError) {
        let others = reports.filter { $0.site != siteID }
        let now = wallClock.nowMilliseconds()
        try StoreError.mapping(path: path) {
            try pool.write { db in
                var view = try Self.fleetView(db)
                try IdentityConflicts.check(db, reports, site: siteID, known: view, now: now)
                guard !others.isEmpty else { return }
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO fleet_reports (site, vector, peers, reported_hlc, max_drift_ms, incarnation, head_seq, head_hlc)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (site) DO UPDATE SET vector = excluded.vector, peers = excluded.peers,
                        reported_hlc = excluded.reported_hlc, max_drift_ms = excluded.max_drift_ms,
                        incarnation = coalesce(fleet_reports.incarnation, excluded.incarnation),
                        head_seq = excluded.head_seq, head_hlc = excluded.head_hlc
                    """)
                for report in others where view.learn(report) {
                    try statement.execute(arguments: [
                        report.site.rawValue, report.vector.text, report.peers.map(\.rawValue).joined(separator: ","), report.at.rawValue,
                        report.maximumDrift.map { Int64(clamping: $0.value) }, report.incarnation, report.head?.sequence,
                        report.head?.timestamp.rawValue,
                    ])
                }
            }
        }
    }
}
