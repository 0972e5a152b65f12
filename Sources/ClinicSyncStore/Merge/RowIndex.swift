import ClinicSyncCore
import GRDB

/// `row_entries`, the change log's entries by row, and `tombstones`, the deleted rows.
///
/// Captured writes do not maintain `row_entries` (a random-key insert on every write would cost more
/// than the write); clinicsync adds this site's new entries in key order, in one statement, before
/// it reads a row's history, and ``MergeApplier`` adds received entries as it applies them; compaction removes entries.
enum RowIndex {
    /// Indexes this site's entries captured since the last call. Run inside a write transaction
    /// before reading any row's history.
    static func catchUp(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO row_entries (tbl, row_id, origin, seq)
                    SELECT tbl, row_id, origin, seq FROM change_log
                    WHERE origin = (SELECT site_id FROM sync_clock) AND seq > (SELECT indexed_seq FROM sync_clock)
                    ORDER BY tbl, row_id;
                UPDATE sync_clock SET indexed_seq = last_seq WHERE indexed_seq != last_seq;
                """)
    }

    /// Indexes at most `limit` of this site's entries not indexed yet, oldest first, in key order;
    /// returns whether any remain.
    static func catchUp(_ db: Database, limit: Int) throws -> Bool {
        guard let clock = try Row.fetchOne(db, sql: "SELECT site_id, indexed_seq, last_seq FROM sync_clock") else { return false }
        let site: String = clock["site_id"]
        let indexed: Int64 = clock["indexed_seq"]
        let last: Int64 = clock["last_seq"]
        guard indexed < last else { return false }
        let upper = try Int64.fetchOne(
            db,
            sql: """
                SELECT MAX(seq) FROM (SELECT seq FROM change_log WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?)
                """, arguments: [site, indexed, limit])
        guard let upper else {
            try db.execute(sql: "UPDATE sync_clock SET indexed_seq = last_seq")
            return false
        }
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO row_entries (tbl, row_id, origin, seq)
                    SELECT tbl, row_id, origin, seq FROM change_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY tbl, row_id
                """, arguments: [site, indexed, upper])
        try db.execute(sql: "UPDATE sync_clock SET indexed_seq = ?", arguments: [upper])
        return upper < last
    }

    /// This site's entries not indexed yet, by row (`"<table code>/<row id>"`): what a read-only
    /// caller adds to each row's indexed history.
    static func unindexed(_ db: Database, decoder: inout ChangeLogDecoder) throws -> [String: [Change]] {
        var tail: [String: [Change]] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(ChangeLogDecoder.columns) FROM change_log
                WHERE origin = (SELECT site_id FROM sync_clock) AND seq > (SELECT indexed_seq FROM sync_clock)
                """)
        while let row = try rows.next() {
            let change = try decoder.change(from: row)
            tail[key(change.table.code, change.rowID.rawValue), default: []].append(change)
        }
        return tail
    }

    static func key(_ table: Int, _ rowID: String) -> String { "\(table)/\(rowID)" }
}
