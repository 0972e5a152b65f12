/// The version-1 capture triggers (one pending entry per field, stamped later), as the migration
/// `v2-change-capture` created them; `v4-change-log-v2` replaces them with ``CaptureTriggers``.
///
/// Triggers live in the database file itself, so writes made by other programs (a front-desk
/// application, the `sqlite3` shell) are captured as surely as clinicsync's own.
enum CaptureTriggersV1 {
    /// The statements for one table, given its synchronised columns (all but `id`).
    static func statements(table: String, columns: [String]) -> [String] {
        let active = "WHEN (SELECT suspended FROM capture_control) = 0"
        let insertValues =
            columns
            .map { "('\(table)', NEW.id, '\($0)', NEW.\($0))" }
            .joined(separator: ",\n        ")
        let updateInserts = columns.map {
            "INSERT INTO change_log (tbl, row_id, col, value) SELECT '\(table)', NEW.id, '\($0)', NEW.\($0) WHERE OLD.\($0) IS NOT NEW.\($0);"
        }.joined(separator: "\n    ")
        return [
            """
            CREATE TRIGGER \(table)_refuse_bad_id BEFORE INSERT ON \(table)
            WHEN NEW.id IS NULL OR NEW.id NOT GLOB '\(uuidPattern)'
            BEGIN SELECT RAISE(ABORT, 'clinicsync: \(table).id must be a lowercase UUID'); END
            """,
            """
            CREATE TRIGGER \(table)_refuse_deleted_id BEFORE INSERT ON \(table)
            WHEN EXISTS (SELECT 1 FROM tombstones WHERE tbl = '\(table)' AND row_id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'clinicsync: this \(table) id was deleted and cannot be reused'); END
            """,
            """
            CREATE TRIGGER \(table)_refuse_id_change BEFORE UPDATE OF id ON \(table)
            WHEN OLD.id IS NOT NEW.id
            BEGIN SELECT RAISE(ABORT, 'clinicsync: \(table).id cannot change; delete the row and add a new one'); END
            """,
            """
            CREATE TRIGGER \(table)_capture_insert AFTER INSERT ON \(table) \(active)
            BEGIN
                INSERT INTO change_log (tbl, row_id, col, value) VALUES
                    \(insertValues);
            END
            """,
            """
            CREATE TRIGGER \(table)_capture_update AFTER UPDATE ON \(table) \(active)
            BEGIN
                \(updateInserts)
            END
            """,
            """
            CREATE TRIGGER \(table)_capture_delete AFTER DELETE ON \(table) \(active)
            BEGIN
                INSERT INTO change_log (tbl, row_id, col, value) VALUES ('\(table)', OLD.id, NULL, NULL);
            END
            """,
        ]
    }

    /// GLOB pattern of a lowercase 8-4-4-4-12 UUID.
    private static let uuidPattern: String = {
        let hex = "[0-9a-f]"
        return [8, 4, 4, 4, 12].map { String(repeating: hex, count: $0) }.joined(separator: "-")
    }()
}
