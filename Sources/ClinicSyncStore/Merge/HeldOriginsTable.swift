package import ClinicSyncCore
import GRDB

/// A held origin as this site last saw it.
package struct HeldOriginRecord: Sendable, Equatable {
    package var held: HeldOrigin
    /// When this site first held the origin, and when it last tried its changes (milliseconds since 1970).
    package var sinceMilliseconds: Int64
    package var checkedMilliseconds: Int64
}

/// `held_origins`: what ``SiteStore/apply(_:through:)`` held back, kept until the site's number for
/// the origin passes the held change.
enum HeldOriginsTable {
    static func record(_ db: Database, _ held: [HeldOrigin], now: UInt64) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO held_origins (origin, seq, ahead_ms, bound_ms, invalid_rule, since_ms, checked_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (origin) DO UPDATE SET
                    seq = excluded.seq, ahead_ms = excluded.ahead_ms, bound_ms = excluded.bound_ms,
                    invalid_rule = excluded.invalid_rule, checked_ms = excluded.checked_ms
                """)
        for origin in held {
            var ahead: Int64?
            var bound: Int64?
            var rule: String?
            switch origin.reason {
            case let .ahead(aheadBy, limit): (ahead, bound) = (Int64(aheadBy.value), Int64(limit.value))
            case let .invalid(text): rule = text
            }
            try statement.execute(arguments: [origin.origin.rawValue, origin.sequence, ahead, bound, rule, Int64(now), Int64(now)])
        }
    }

    /// Forgets the origins this site now holds past their held change.
    static func release(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM held_origins
                WHERE seq <= (SELECT v.seq FROM version_vector AS v WHERE v.origin = held_origins.origin)
                """)
    }

    static func load(_ db: Database) throws -> [HeldOriginRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM held_origins ORDER BY origin").map { row in
            let reason: HeldOrigin.Reason
            if let ahead: Int64 = row["ahead_ms"], let bound: Int64 = row["bound_ms"] {
                reason = .ahead(aheadBy: Milliseconds(UInt64(max(0, ahead))), bound: Milliseconds(UInt64(max(0, bound))))
            } else {
                reason = .invalid(row["invalid_rule"] ?? "unknown")
            }
            return HeldOriginRecord(
                held: HeldOrigin(origin: try SiteID(row["origin"]), sequence: row["seq"], reason: reason),
                sinceMilliseconds: row["since_ms"], checkedMilliseconds: row["checked_ms"])
        }
    }
}

extension SiteStore {
    /// The origins whose changes this site holds back now, by origin.
    package func heldOrigins() throws(StoreError) -> [HeldOriginRecord] {
        try read { db in try HeldOriginsTable.load(db) }
    }
}
