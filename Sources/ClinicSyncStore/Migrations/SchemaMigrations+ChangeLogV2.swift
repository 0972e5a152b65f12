import GRDB

extension SchemaMigrations {
    /// The change log's second shape: one entry per row write with a dense per-origin sequence,
    /// stamped by the capture triggers when the write is made.
    ///
    /// History is kept: every version-1 entry becomes a one-column entry numbered by its timestamp
    /// (below every version-2 number, see `Change.legacySequence(for:)`), keeping its base; pending
    /// version-1 entries (writes by other programs not yet stamped) become this site's first
    /// version-2 entries. The journal, the version vector and the peers' acknowledgements are
    /// renumbered the same way, so sites upgraded at different times still agree on every change.
    static func migrateToChangeLogV2(_ db: Database) throws {
        for table in ["appointments", "prescriptions"] {
            for name in CaptureTriggers.names(table: table) { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
        }
        let slots = (0..<prescriptionColumns.count).map { "v\($0)" }.joined(separator: ", ")
        try db.execute(
            sql: """
                -- The clock and sequence of this site's captured writes, read and advanced by the triggers.
                -- seen: this site's version vector (own origin excluded) as of its next write.
                -- capturing: 0 only inside the transaction that applies remote changes.
                CREATE TABLE sync_clock (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    site_id TEXT NOT NULL,
                    last_hlc INTEGER NOT NULL,
                    last_seq INTEGER NOT NULL,
                    seen TEXT NOT NULL,
                    wall_offset_ms INTEGER NOT NULL DEFAULT 0,
                    capturing INTEGER NOT NULL DEFAULT 1
                );
                INSERT INTO sync_clock (singleton, site_id, last_hlc, last_seq, seen)
                    SELECT 1, COALESCE((SELECT site_id FROM site_identity), ''), last_hlc, 0, '' FROM clock_state;

                -- One entry per row write: cols is the mask of the columns written (bit = the column's
                -- position; 0 = the row was deleted) and v<position> their values, untyped so that SQLite
                -- keeps each value exactly as written. seen: what the origin had seen (version-2 entries);
                -- base_*: the version replaced (entries migrated from version 1).
                CREATE TABLE change_log_v2 (
                    origin TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    hlc INTEGER NOT NULL,
                    tbl INTEGER NOT NULL,
                    row_id TEXT NOT NULL,
                    cols INTEGER NOT NULL,
                    seen TEXT,
                    base_hlc INTEGER,
                    base_origin TEXT,
                    \(slots),
                    PRIMARY KEY (origin, seq)
                ) WITHOUT ROWID;

                CREATE TABLE version_vector_v2 (
                    origin TEXT PRIMARY KEY NOT NULL,
                    seq INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO version_vector_v2 (origin, seq) SELECT origin, hlc - \(legacyOffset) FROM version_vector;

                -- Values discarded by a change made without knowledge of them, with the change that won.
                CREATE TABLE conflicts_v2 (
                    tbl TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    col TEXT NOT NULL,
                    loser_origin TEXT NOT NULL,
                    loser_seq INTEGER NOT NULL,
                    loser_hlc INTEGER NOT NULL,
                    loser_value,
                    winner_origin TEXT NOT NULL,
                    winner_seq INTEGER NOT NULL,
                    winner_hlc INTEGER NOT NULL,
                    winner_deleted INTEGER NOT NULL,
                    winner_value,
                    PRIMARY KEY (loser_origin, loser_seq, col)
                ) WITHOUT ROWID;
                CREATE TABLE legacy_pending AS SELECT seq, tbl, row_id, col, value FROM change_log WHERE hlc IS NULL;
                INSERT INTO conflicts_v2
                    SELECT tbl, row_id, col, loser_origin, loser_hlc - \(legacyOffset), loser_hlc, loser_value,
                           winner_origin, winner_hlc - \(legacyOffset), winner_hlc, winner_deleted, winner_value
                    FROM conflicts;
                """)
        try copyLegacyEntries(db)
        try renumberPeerAcknowledgements(db)
        try db.execute(
            sql: """
                DROP TABLE change_log;
                DROP TABLE cell_versions;
                DROP TABLE tombstones;
                DROP TABLE conflicts;
                DROP TABLE version_vector;
                DROP TABLE clock_state;
                DROP TABLE capture_control;
                ALTER TABLE change_log_v2 RENAME TO change_log;
                ALTER TABLE conflicts_v2 RENAME TO conflicts;
                ALTER TABLE version_vector_v2 RENAME TO version_vector;
                CREATE INDEX change_log_by_row ON change_log (tbl, row_id);
                CREATE INDEX conflicts_by_winner ON conflicts (winner_origin, winner_seq);
                UPDATE sync_clock SET seen = COALESCE((
                    SELECT group_concat(origin || '=' || seq, ',') FROM (
                        SELECT origin, seq FROM version_vector
                        WHERE origin != (SELECT site_id FROM sync_clock) ORDER BY origin)), '');
                """)
        for (table, code, columns) in [("appointments", 1, appointmentColumns), ("prescriptions", 2, prescriptionColumns)] {
            for statement in CaptureTriggers.statements(table: table, code: code, columns: columns) {
                try db.execute(sql: statement)
            }
        }
        try stampPendingLegacyEntries(db)
    }

    /// `Change.legacySequence(for:)`: a version-1 timestamp minus 2^62.
    static let legacyOffset: Int64 = 1 << 62

    /// The change-log number of a table.
    private static func code(of table: String) -> Int? {
        ["appointments": 1, "prescriptions": 2][table]
    }

    /// The position of a column among its table's synchronised columns.
    private static func position(table: String, column: String) -> Int? {
        (table == "appointments" ? appointmentColumns : prescriptionColumns).firstIndex(of: column)
    }

    private static func copyLegacyEntries(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT tbl, row_id, col, value, hlc, origin, base_hlc, base_origin FROM change_log WHERE hlc IS NOT NULL
                """)
        while let row = try rows.next() {
            let table: String = row["tbl"]
            let column: String? = row["col"]
            let hlc: Int64 = row["hlc"]
            guard let code = code(of: table) else { continue }
            let slot = column.flatMap { position(table: table, column: $0) }
            if column != nil, slot == nil { continue }
            let valueColumn = slot.map { ", v\($0)" } ?? ""
            // One statement per value slot, prepared once: a v1 log may hold millions of entries.
            try db.cachedStatement(
                sql: """
                    INSERT INTO change_log_v2 (origin, seq, hlc, tbl, row_id, cols, base_hlc, base_origin\(valueColumn))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?\(slot == nil ? "" : ", ?"))
                    """
            ).execute(
                arguments: StatementArguments(
                    [
                        row["origin"] as DatabaseValue, (hlc - legacyOffset).databaseValue, hlc.databaseValue,
                        code.databaseValue, row["row_id"] as DatabaseValue, (slot.map { 1 << $0 } ?? 0).databaseValue,
                        row["base_hlc"] as DatabaseValue, row["base_origin"] as DatabaseValue,
                    ] + (slot == nil ? [] : [row["value"] as DatabaseValue])))
        }
    }

    private static func renumberPeerAcknowledgements(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT peer, peer_vector FROM peer_state WHERE peer_vector IS NOT NULL") {
            let text: String = row["peer_vector"]
            let renumbered = text.split(separator: ",").compactMap { pair -> String? in
                let parts = pair.split(separator: "=")
                guard parts.count == 2, let hlc = Int64(parts[1]) else { return nil }
                return "\(parts[0])=\(hlc - legacyOffset)"
            }.joined(separator: ",")
            try db.execute(sql: "UPDATE peer_state SET peer_vector = ? WHERE peer = ?", arguments: [renumbered, row["peer"]])
        }
    }

    /// Replays the version-1 entries still pending (writes by other programs that no clinicsync
    /// transaction had stamped) as this site's first version-2 entries, in the order they were made.
    private static func stampPendingLegacyEntries(_ db: Database) throws {
        let pending = try Row.fetchAll(db, sql: "SELECT tbl, row_id, col, value FROM legacy_pending ORDER BY seq")
        for row in pending {
            let table: String = row["tbl"]
            let column: String? = row["col"]
            guard let code = code(of: table) else { continue }
            try db.execute(sql: "UPDATE sync_clock SET last_seq = last_seq + 1, last_hlc = \(CaptureTriggers.nextTimestamp)")
            if let column, let slot = position(table: table, column: column) {
                try db.execute(
                    sql: """
                        INSERT INTO change_log (origin, seq, hlc, tbl, row_id, cols, seen, v\(slot))
                        SELECT site_id, last_seq, last_hlc, ?, ?, ?, seen, ? FROM sync_clock
                        """, arguments: [code, row["row_id"], 1 << slot, row["value"]])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO change_log (origin, seq, hlc, tbl, row_id, cols, seen)
                        SELECT site_id, last_seq, last_hlc, ?, ?, 0, seen FROM sync_clock
                        """, arguments: [code, row["row_id"]])
            }
        }
        try db.execute(sql: "DROP TABLE legacy_pending")
    }
}
