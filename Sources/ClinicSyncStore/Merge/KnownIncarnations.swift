import ClinicSyncCore
import GRDB

/// `known_incarnations`: the database this site first saw reporting under each site id, and any
/// second one seen since (see ``IdentityConflict``). Local to each site, never synchronised.
enum KnownIncarnations {
    /// This database's own incarnation.
    static func own(_ db: Database) throws -> Incarnation? {
        try String.fetchOne(db, sql: "SELECT incarnation FROM site_identity").flatMap { try? Incarnation($0) }
    }

    /// Checks the database a report comes from; returns whether the report may be kept (it comes
    /// from the database known for its site, or from a site that does not say).
    static func admit(_ db: Database, _ report: FleetReport, site: SiteID, own: Incarnation?, now: UInt64) throws -> Bool {
        guard let reported = report.incarnation else { return true }
        if report.site == site {
            if let own, reported != own { try record(db, report.site, known: own, other: reported, now: now) }
            return false
        }
        guard let known = try String.fetchOne(db, sql: "SELECT incarnation FROM known_incarnations WHERE site = ?",
                                              arguments: [report.site.rawValue]) else {
            try db.execute(sql: "INSERT INTO known_incarnations (site, incarnation) VALUES (?, ?)",
                           arguments: [report.site.rawValue, reported.rawValue])
            return true
        }
        guard known != reported.rawValue else { return true }
        try record(db, report.site, known: try Incarnation(known), other: reported, now: now)
        return false
    }

    private static func record(_ db: Database, _ site: SiteID, known: Incarnation, other: Incarnation, now: UInt64) throws {
        try db.execute(sql: """
            INSERT INTO known_incarnations (site, incarnation, other, other_seen_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (site) DO UPDATE SET other = excluded.other, other_seen_ms = excluded.other_seen_ms
                WHERE known_incarnations.other IS NULL
            """, arguments: [site.rawValue, known.rawValue, other.rawValue, Int64(clamping: now)])
    }

    /// Every recorded conflict, by site id.
    static func conflicts(_ db: Database, site: SiteID) throws -> [IdentityConflict] {
        try Row.fetchAll(db, sql: "SELECT site, incarnation, other FROM known_incarnations WHERE other IS NOT NULL ORDER BY site").map { row in
            let conflicted = try SiteID(row["site"])
            return IdentityConflict(site: conflicted, known: try Incarnation(row["incarnation"]), other: try Incarnation(row["other"]),
                                    isSelf: conflicted == site)
        }
    }
}

extension SiteStore {
    /// Sites seen reporting from two databases (this one included, if another database claims it).
    public func identityConflicts() throws(StoreError) -> [IdentityConflict] {
        try read { db in try KnownIncarnations.conflicts(db, site: siteID) }
    }

    /// This database's incarnation.
    public func incarnation() throws(StoreError) -> Incarnation? {
        try read { db in try KnownIncarnations.own(db) }
    }

    /// Forgets what this site knew of `site`'s database, once an operator has dealt with a second
    /// one (restored the site, or given the new database its own site id): the next database to
    /// report under the id is the one known from then on. Returns whether a conflict was recorded.
    @discardableResult
    public func clearIdentityConflict(_ site: SiteID) throws(StoreError) -> Bool {
        try StoreError.mapping(path: path) {
            try pool.write { db in
                let conflicted = try Bool.fetchOne(db, sql: "SELECT other IS NOT NULL FROM known_incarnations WHERE site = ?",
                                                   arguments: [site.rawValue]) ?? false
                guard conflicted else { return false }
                try db.execute(sql: site == siteID ? "UPDATE known_incarnations SET other = NULL, other_seen_ms = NULL WHERE site = ?"
                                                   : "DELETE FROM known_incarnations WHERE site = ?", arguments: [site.rawValue])
                return true
            }
        }
    }
}
