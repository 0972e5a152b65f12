import ClinicSyncCore
import GRDB

/// `identity_conflicts`: sites for which a second database was seen reporting under the same site
/// id (a copied disk or VM, or a second `clinicsync init`). Each database would hide the other's
/// changes, so the site's changes are held here until an operator has given one of the databases
/// a site id of its own and clears the conflict (`clinicsync identity clear-conflict SITE`).
enum IdentityConflicts {
    /// Compares each report with what this site knows of the reporting database: the incarnation it
    /// first saw for the site (its own, for reports about itself), and the timestamp of the change
    /// it holds under the reported newest number.
    static func check(_ db: Database, _ reports: [FleetReport], site: SiteID, known: FleetView, now: UInt64) throws {
        let ownIncarnation = try String.fetchOne(db, sql: "SELECT incarnation FROM site_identity")
        let entry = try db.cachedStatement(sql: "SELECT hlc FROM change_log WHERE origin = ? AND seq = ?")
        for report in reports {
            let expected = report.site == site ? ownIncarnation : known.reports[report.site]?.incarnation
            if let expected, let reported = report.incarnation, expected != reported {
                try record(db, report.site, now: now, detail: """
                    two databases report as site '\(report.site)': incarnation \(expected.prefix(8)) (\(report.site == site ? "this one" : "seen first")) \
                    and \(reported.prefix(8))
                    """)
                continue
            }
            guard let head = report.head,
                  let held = try Int64.fetchOne(entry, arguments: [report.site.rawValue, head.sequence]),
                  held != head.timestamp.rawValue else { continue }
            try record(db, report.site, now: now, detail: """
                two databases under site id '\(report.site)' numbered change #\(head.sequence) differently \
                (one stamped \(held), held here; one stamped \(head.timestamp.rawValue), reported)
                """)
        }
    }

    private static func record(_ db: Database, _ site: SiteID, now: UInt64, detail: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO identity_conflicts (site, detail, detected_ms) VALUES (?, ?, ?)",
                       arguments: [site.rawValue, detail, Int64(now)])
    }

    static func load(_ db: Database) throws -> [SiteID: String] {
        var conflicts: [SiteID: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, detail FROM identity_conflicts") {
            conflicts[try SiteID(row["site"])] = row["detail"]
        }
        return conflicts
    }
}

extension SiteStore {
    /// Sites seen reporting from two databases, with what was seen; their changes are held.
    public func identityConflicts() throws(StoreError) -> [SiteID: String] {
        try read { db in try IdentityConflicts.load(db) }
    }

    /// Forgets the conflict recorded for `site` once an operator has given one of its databases
    /// another site id; returns whether there was one.
    @discardableResult
    public func clearIdentityConflict(_ site: SiteID) throws(StoreError) -> Bool {
        try StoreError.mapping(path: path) {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM identity_conflicts WHERE site = ?", arguments: [site.rawValue])
                return db.changesCount > 0
            }
        }
    }
}
