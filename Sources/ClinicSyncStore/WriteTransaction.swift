import ClinicSyncCore
import GRDB

/// The state of one write transaction: the connection, the site, and the clock loaded from the
/// database at its start (saved back before commit, so a restart never reissues a timestamp).
struct WriteTransaction {
    let db: Database
    let site: SiteID
    let now: UInt64
    var clock: HybridLogicalClock
    /// Pending change-log entries stamped so far in this transaction.
    private(set) var stampedCount = 0

    init(db: Database, site: SiteID, now: UInt64, maximumDrift: Milliseconds) throws {
        self.db = db
        self.site = site
        self.now = now
        self.clock = HybridLogicalClock(lastIssued: try Self.loadClock(db), maximumDrift: maximumDrift)
    }

    static func loadClock(_ db: Database) throws -> HybridTimestamp {
        let raw = try Int64.fetchOne(db, sql: "SELECT last_hlc FROM clock_state WHERE singleton = 1") ?? 0
        return HybridTimestamp(rawValue: raw) ?? .zero
    }

    func saveClock() throws {
        try db.cachedStatement(sql: "UPDATE clock_state SET last_hlc = ? WHERE singleton = 1")
            .execute(arguments: [clock.lastIssued.rawValue])
    }

    /// Gives every pending change-log entry a timestamp and a base, in the order the writes were made.
    ///
    /// The base is the version the field held when the write replaced it; for a delete, the greatest
    /// version of any of the row's fields. Stamping runs before anything else in a transaction, so
    /// no remote change can slip between a captured write and its base.
    mutating func stampPending() throws {
        let pending = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT seq, tbl, row_id, col FROM change_log WHERE hlc IS NULL ORDER BY seq"))
        for entry in pending {
            let seq: Int64 = entry["seq"]
            let table: String = entry["tbl"]
            let rowID: String = entry["row_id"]
            let column: String? = entry["col"]
            let stamp = WriteStamp(clock.next(wallClock: now), site)
            let base: WriteStamp?
            if let column {
                base = try CellVersions.version(db, table: table, rowID: rowID, column: column)
                try CellVersions.set(db, table: table, rowID: rowID, column: column, to: stamp)
            } else {
                base = try CellVersions.greatestVersion(db, table: table, rowID: rowID)
                try Tombstones.record(db, table: table, rowID: rowID, stamp: stamp)
            }
            try db.cachedStatement(sql: """
                UPDATE change_log SET hlc = ?, origin = ?, base_hlc = ?, base_origin = ? WHERE seq = ?
                """).execute(arguments: [
                    stamp.timestamp.rawValue, site.rawValue, base?.timestamp.rawValue, base?.origin.rawValue, seq,
                ])
            stampedCount += 1
        }
        if !pending.isEmpty {
            try VersionVectorTable.advance(db, to: WriteStamp(clock.lastIssued, site))
        }
    }
}
