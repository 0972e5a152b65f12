import ClinicSyncCore
import GRDB

/// The state of one write transaction: the connection, the site, and the clock loaded from the
/// database at its start (saved back before commit, so a restart never reissues a timestamp).
///
/// The capture triggers stamp local writes from the same `sync_clock` row; this type keeps the
/// row's wall-clock offset in step with the store's wall clock (zero for the system clock; tests
/// and `CLINICSYNC_TEST_CLOCK_OFFSET_MS` shift it) and records timestamps witnessed from peers.
struct WriteTransaction {
    let db: Database
    let site: SiteID
    let now: UInt64
    var clock: HybridLogicalClock

    init(db: Database, site: SiteID, wallClock: any WallClock, maximumDrift: Milliseconds) throws {
        self.db = db
        self.site = site
        now = wallClock.nowMilliseconds()
        clock = HybridLogicalClock(lastIssued: try Self.loadClock(db), maximumDrift: maximumDrift)
        // The system clock's offset is exact; any other clock (a test's) is measured against it.
        let offset =
            (wallClock as? SystemWallClock)?.offsetMilliseconds
            ?? Int64(now) - Int64(SystemWallClock().nowMilliseconds())
        try db.cachedStatement(sql: "UPDATE sync_clock SET wall_offset_ms = ? WHERE wall_offset_ms != ?")
            .execute(arguments: [offset, offset])
    }

    static func loadClock(_ db: Database) throws -> HybridTimestamp {
        let raw = try Int64.fetchOne(db, sql: "SELECT last_hlc FROM sync_clock WHERE singleton = 1") ?? 0
        return HybridTimestamp(rawValue: raw) ?? .zero
    }

    /// Persists the greatest timestamp witnessed; the triggers never issue one at or below it.
    func saveClock() throws {
        try db.cachedStatement(sql: "UPDATE sync_clock SET last_hlc = MAX(last_hlc, ?) WHERE singleton = 1")
            .execute(arguments: [clock.lastIssued.rawValue])
    }
}
