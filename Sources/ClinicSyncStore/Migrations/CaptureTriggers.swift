/// SQL for the triggers that record every write to a synchronised table in the change log.
///
/// Triggers live in the database file itself, so writes made by other programs (a front-desk
/// application, the `sqlite3` shell) are captured as surely as clinicsync's own, and stamped when
/// they are made: each captured write takes the next hybrid-logical-clock timestamp from the
/// `sync_clock` row (never below one issued or witnessed, otherwise SQLite's own clock) and the next
/// number of this site's sequence, and becomes ONE change-log entry holding the columns it changed.
///
/// The statements are generated from literal column lists so that a migration that registers them
/// means the same thing forever.
enum CaptureTriggers {
    /// The clock expression: milliseconds since the epoch from SQLite's clock, plus the site's test
    /// offset, packed as a timestamp (counter 0); `last_hlc + 1` wins when the clock has not moved on.
    static let nextTimestamp = """
        MAX(last_hlc + 1, (CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) + wall_offset_ms) * 65536)
        """

    /// How deletes are recorded, by the migration that created the triggers.
    enum DeleteRecord {
        /// `v4-change-log-v2`: the delete entry alone; the insert guard searches the log's row index.
        case logEntry
        /// `v7-tombstones`: the delete entry and a tombstone, which the insert guard probes (the log
        /// has no row index that captured writes must maintain: clinicsync indexes them later).
        case logEntryAndTombstone
    }

    /// The statements for one table, given its change-log number and its synchronised columns (all but `id`).
    static func statements(table: String, code: Int, columns: [String], deletes: DeleteRecord = .logEntry) -> [String] {
        let deletedGuard: String
        let tombstone: String
        switch deletes {
        case .logEntry:
            deletedGuard = "SELECT 1 FROM change_log WHERE tbl = \(code) AND row_id = NEW.id AND cols = 0"
            tombstone = ""
        case .logEntryAndTombstone:
            deletedGuard = "SELECT 1 FROM tombstones WHERE tbl = \(code) AND row_id = NEW.id"
            tombstone = "\n    INSERT OR IGNORE INTO tombstones (tbl, row_id) VALUES (\(code), OLD.id);"
        }
        let slots = columns.indices.map { "v\($0)" }.joined(separator: ", ")
        let allColumns = (1 << columns.count) - 1
        let changed = columns.map { "OLD.\($0) IS NOT NEW.\($0)" }
        let changedMask = columns.enumerated().map { "((OLD.\($1) IS NOT NEW.\($1)) << \($0))" }.joined(separator: " | ")
        let changedValues = columns.map { "CASE WHEN OLD.\($0) IS NOT NEW.\($0) THEN NEW.\($0) END" }.joined(separator: ", ")
        let stamp = "UPDATE sync_clock SET last_seq = last_seq + 1, last_hlc = \(nextTimestamp);"
        return [
            """
            CREATE TRIGGER \(table)_refuse_bad_id BEFORE INSERT ON \(table)
            WHEN NEW.id IS NULL OR NEW.id NOT GLOB '\(uuidPattern)'
            BEGIN SELECT RAISE(ABORT, 'clinicsync: \(table).id must be a lowercase UUID'); END
            """,
            // Consults the log itself, so a delete is final from the moment it is made (an ORM's
            // delete-and-reinsert of the same id is refused at once, not after the next stamping).
            """
            CREATE TRIGGER \(table)_refuse_deleted_id BEFORE INSERT ON \(table)
            WHEN EXISTS (\(deletedGuard))
            BEGIN SELECT RAISE(ABORT, 'clinicsync: this \(table) id was deleted and cannot be reused'); END
            """,
            """
            CREATE TRIGGER \(table)_refuse_id_change BEFORE UPDATE OF id ON \(table)
            WHEN OLD.id IS NOT NEW.id
            BEGIN SELECT RAISE(ABORT, 'clinicsync: \(table).id cannot change; delete the row and add a new one'); END
            """,
            """
            CREATE TRIGGER \(table)_capture_insert AFTER INSERT ON \(table)
            WHEN (SELECT capturing FROM sync_clock)
            BEGIN
                \(stamp)
                INSERT INTO change_log (origin, seq, hlc, tbl, row_id, cols, seen, \(slots))
                SELECT site_id, last_seq, last_hlc, \(code), NEW.id, \(allColumns), seen, \(columns.map { "NEW.\($0)" }.joined(separator: ", "))
                FROM sync_clock;
            END
            """,
            """
            CREATE TRIGGER \(table)_capture_update AFTER UPDATE ON \(table)
            WHEN (SELECT capturing FROM sync_clock) AND (\(changed.joined(separator: " OR ")))
            BEGIN
                \(stamp)
                INSERT INTO change_log (origin, seq, hlc, tbl, row_id, cols, seen, \(slots))
                SELECT site_id, last_seq, last_hlc, \(code), NEW.id, \(changedMask), seen, \(changedValues)
                FROM sync_clock;
            END
            """,
            """
            CREATE TRIGGER \(table)_capture_delete AFTER DELETE ON \(table)
            WHEN (SELECT capturing FROM sync_clock)
            BEGIN
                \(stamp)
                INSERT INTO change_log (origin, seq, hlc, tbl, row_id, cols, seen)
                SELECT site_id, last_seq, last_hlc, \(code), OLD.id, 0, seen FROM sync_clock;\(tombstone)
            END
            """,
        ]
    }

    /// The names of the triggers ``statements(table:code:columns:)`` creates.
    static func names(table: String) -> [String] {
        ["refuse_bad_id", "refuse_deleted_id", "refuse_id_change", "capture_insert", "capture_update", "capture_delete"]
            .map { "\(table)_\($0)" }
    }

    /// GLOB pattern of a lowercase 8-4-4-4-12 UUID.
    private static let uuidPattern: String = {
        let hex = "[0-9a-f]"
        return [8, 4, 4, 4, 12].map { String(repeating: hex, count: $0) }.joined(separator: "-")
    }()
}
