package import ClinicSyncCore
import GRDB

/// `known_incarnations`: per site, the database that site itself first reported from, any second one
/// it reported from since (see ``IdentityConflict``), and the one relayed reports name. Local to
/// each site, never synchronised.
///
/// Only a site's own report, in a request it made or an answer it gave (so authenticated as that
/// site), can record a conflict: a relay could forge a report about a third site, and must not be
/// able to stop that site's changes.
enum KnownIncarnations {
    /// This database's own incarnation (`nil` for a database restored from a backup made before
    /// databases had incarnations).
    static func own(_ db: Database) throws -> Incarnation? {
        try String.fetchOne(db, sql: "SELECT incarnation FROM site_identity").flatMap { try? Incarnation($0) }
    }

    /// Checks the database a report comes from; returns whether the report may be kept.
    static func admit(_ db: Database, _ report: FleetReport, sender: SiteID?, now: UInt64) throws -> Bool {
        guard let reported = report.incarnation else { return true }
        let row = try Row.fetchOne(db, sql: "SELECT incarnation, other FROM known_incarnations WHERE site = ?", arguments: [report.site.rawValue])
        let known: String? = row?["incarnation"]
        guard report.site == sender else {
            // Relayed: remembered, never a conflict; kept only if it agrees with what the site said itself.
            try db.execute(
                sql: """
                    INSERT INTO known_incarnations (site, heard) VALUES (?, ?) ON CONFLICT (site) DO UPDATE SET heard = excluded.heard
                    """, arguments: [report.site.rawValue, reported.rawValue])
            return known == nil || known == reported.rawValue
        }
        guard let known else {
            try db.execute(
                sql: """
                    INSERT INTO known_incarnations (site, incarnation) VALUES (?, ?)
                    ON CONFLICT (site) DO UPDATE SET incarnation = excluded.incarnation
                    """, arguments: [report.site.rawValue, reported.rawValue])
            return true
        }
        guard known != reported.rawValue else { return true }
        try db.execute(
            sql: "UPDATE known_incarnations SET other = ?, other_seen_ms = ? WHERE site = ? AND other IS NULL",
            arguments: [reported.rawValue, Int64(clamping: now), report.site.rawValue])
        return false
    }

    /// Every recorded conflict, by site id.
    static func conflicts(_ db: Database) throws -> [IdentityConflict] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT site, incarnation, other FROM known_incarnations WHERE incarnation IS NOT NULL AND other IS NOT NULL ORDER BY site
                """
        ).map { row in
            IdentityConflict(site: try SiteID(row["site"]), known: try Incarnation(row["incarnation"]), other: try Incarnation(row["other"]))
        }
    }
}

extension SiteStore {
    /// Sites seen reporting, themselves, from two databases.
    package func identityConflicts() throws(StoreError) -> [IdentityConflict] {
        try read { db in try KnownIncarnations.conflicts(db) }
    }

    /// This database's incarnation.
    package func incarnation() throws(StoreError) -> Incarnation? {
        try read { db in try KnownIncarnations.own(db) }
    }

    /// Forgets which database this site knew under `site`, once an operator has dealt with a second
    /// one (restored the site, or given the new database its own site id): the next database to
    /// report as it is the one known from then on. Returns whether a conflict was recorded.
    @discardableResult
    package func clearIdentityConflict(_ site: SiteID) throws(StoreError) -> Bool {
        try StoreError.mapping(path: path) {
            try timedWrite { db in
                try db.execute(
                    sql: "UPDATE known_incarnations SET incarnation = NULL, other = NULL, other_seen_ms = NULL WHERE site = ? AND other IS NOT NULL",
                    arguments: [site.rawValue])
                return db.changesCount > 0
            }
        }
    }
}
