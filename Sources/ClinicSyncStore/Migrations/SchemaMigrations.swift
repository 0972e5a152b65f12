import GRDB

/// The store's schema as ordered, append-only migrations.
///
/// Never edit a registered migration: add a new one. Peers do not compare migrations (a new index
/// changes nothing they exchange): they compare ``SyncedTable/schemaVersion``. Migrations spell out their SQL and
/// column lists literally instead of reading the app's types, so that a migration means the same
/// thing forever.
enum SchemaMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-site-and-clinical-tables", migrate: createSiteAndClinicalTables)
        migrator.registerMigration("v2-change-capture", migrate: createChangeCapture)
        migrator.registerMigration("v3-sync-state", migrate: createSyncState)
        migrator.registerMigration("v4-change-log-v2", migrate: migrateToChangeLogV2)
        migrator.registerMigration("v5-fleet-reports", migrate: createFleetReports)
        migrator.registerMigration("v6-restore-recovery", migrate: createRestoreRecovery)
        migrator.registerMigration("v7-lazy-row-index", migrate: moveRowIndexOutOfCapture)
        migrator.registerMigration("v8-held-origins", migrate: createHeldOrigins)
        migrator.registerMigration("v9-reported-drift-bounds", migrate: addReportedDriftBounds)
        migrator.registerMigration("v10-refuse-oversized-values", migrate: refuseOversizedValues)
        migrator.registerMigration("v11-site-incarnations", migrate: createSiteIncarnations)
        migrator.registerMigration("v12-peer-clock-readings", migrate: createPeerClockReadings)
        migrator.registerMigration("v13-origin-chains", migrate: createOriginChains)
        migrator.registerMigration("v14-compacted-stamps", migrate: addCompactedStamps)
        migrator.registerMigration("v15-coverage-alerts-reviews", migrate: createCoverageAlertsAndReviews)
        migrator.registerMigration("v16-prescription-scope", migrate: addPrescriptionScope)
        migrator.registerMigration("v17-console-accounts", migrate: createConsoleAccounts)
        migrator.registerMigration("v18-access-log", migrate: createAccessLog)
        return migrator
    }

    /// The identifier of the newest migration this build knows.
    static var latestVersion: String { migrator.migrations.last! }

    private static func createSiteAndClinicalTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE site_identity (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    site_id TEXT NOT NULL,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                );
                CREATE TABLE clock_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    last_hlc INTEGER NOT NULL
                );
                INSERT INTO clock_state (singleton, last_hlc) VALUES (1, 0);

                -- Columns are nullable: a row is assembled field by field from changes that may arrive
                -- in any order. Completeness is checked by the domain rules at the writing site.
                CREATE TABLE appointments (
                    id TEXT PRIMARY KEY NOT NULL,
                    patient_id TEXT,
                    patient_name TEXT,
                    therapist TEXT,
                    site TEXT,
                    starts_at TEXT,
                    minutes INTEGER,
                    units INTEGER,
                    status TEXT CHECK (status IS NULL OR status IN ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show')),
                    prescription_id TEXT,
                    notes TEXT
                ) STRICT;
                CREATE INDEX appointments_by_patient ON appointments (patient_id);
                CREATE INDEX appointments_by_prescription ON appointments (prescription_id);

                CREATE TABLE prescriptions (
                    id TEXT PRIMARY KEY NOT NULL,
                    patient_id TEXT,
                    patient_name TEXT,
                    prescriber TEXT,
                    prescriber_npi TEXT,
                    diagnosis TEXT,
                    icd10_codes TEXT,
                    visits_authorized INTEGER,
                    units_per_visit INTEGER,
                    frequency TEXT,
                    body_region TEXT,
                    issued_on TEXT,
                    expires_on TEXT,
                    payer TEXT,
                    member_id TEXT,
                    notes TEXT
                ) STRICT;
                CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id);
                """)
    }

    private static func createChangeCapture(_ db: Database) throws {
        try db.execute(
            sql: """
                -- Set to 1 only inside the transaction that applies remote changes, so that the capture
                -- triggers skip those writes; no other connection can ever observe the 1.
                CREATE TABLE capture_control (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    suspended INTEGER NOT NULL
                );
                INSERT INTO capture_control (singleton, suspended) VALUES (1, 0);

                -- One entry per changed field (col NULL: the row was deleted). The value columns have no
                -- declared type, so SQLite keeps each value exactly as written (text stays text). Triggers insert entries
                -- with hlc NULL ("pending"); the next clinicsync transaction stamps them in seq order.
                CREATE TABLE change_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    tbl TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    col TEXT,
                    value,
                    hlc INTEGER,
                    origin TEXT,
                    base_hlc INTEGER,
                    base_origin TEXT,
                    CHECK ((hlc IS NULL) = (origin IS NULL))
                );
                CREATE UNIQUE INDEX change_log_identity ON change_log (origin, hlc) WHERE hlc IS NOT NULL;
                CREATE INDEX change_log_by_cell ON change_log (tbl, row_id, col, hlc);
                CREATE INDEX change_log_pending ON change_log (seq) WHERE hlc IS NULL;

                -- The version of the value each field holds now: the merge is one compare per change.
                CREATE TABLE cell_versions (
                    tbl TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    col TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    origin TEXT NOT NULL,
                    PRIMARY KEY (tbl, row_id, col)
                ) WITHOUT ROWID;

                -- Deleted rows; deletes are final, and the smallest delete stamp is kept.
                CREATE TABLE tombstones (
                    tbl TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    origin TEXT NOT NULL,
                    PRIMARY KEY (tbl, row_id)
                ) WITHOUT ROWID;

                -- Values discarded by a write made without knowledge of them, with the write that won.
                CREATE TABLE conflicts (
                    tbl TEXT NOT NULL,
                    row_id TEXT NOT NULL,
                    col TEXT NOT NULL,
                    loser_hlc INTEGER NOT NULL,
                    loser_origin TEXT NOT NULL,
                    loser_value,
                    winner_hlc INTEGER NOT NULL,
                    winner_origin TEXT NOT NULL,
                    winner_deleted INTEGER NOT NULL,
                    winner_value,
                    PRIMARY KEY (tbl, row_id, col, loser_hlc, loser_origin)
                ) WITHOUT ROWID;
                """)
        for (table, columns) in [("appointments", appointmentColumns), ("prescriptions", prescriptionColumns)] {
            for statement in CaptureTriggersV1.statements(table: table, columns: columns) {
                try db.execute(sql: statement)
            }
        }
    }

    private static func createSyncState(_ db: Database) throws {
        try db.execute(
            sql: """
                -- The greatest timestamp held per origin site: what this site tells peers it has.
                CREATE TABLE version_vector (
                    origin TEXT PRIMARY KEY NOT NULL,
                    hlc INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO version_vector (origin, hlc)
                    SELECT origin, MAX(hlc) FROM change_log WHERE hlc IS NOT NULL GROUP BY origin;

                -- Per configured peer: the outcome of the last sync rounds and what the peer last
                -- acknowledged holding (its version vector as "origin=hlc,..."), from which the changes
                -- still waiting to be sent to it are counted.
                CREATE TABLE peer_state (
                    peer TEXT PRIMARY KEY NOT NULL,
                    url TEXT NOT NULL,
                    last_attempt TEXT,
                    last_success TEXT,
                    last_error TEXT,
                    clock_problem INTEGER NOT NULL DEFAULT 0,
                    changes_sent INTEGER NOT NULL DEFAULT 0,
                    changes_received INTEGER NOT NULL DEFAULT 0,
                    peer_vector TEXT,
                    peer_site TEXT
                );
                """)
    }

    private static func createFleetReports(_ db: Database) throws {
        try db.execute(
            sql: """
                -- The latest report each other site of the fleet gave about itself (directly or relayed):
                -- what it held (vector text), the sites it syncs with (comma-separated) and its clock.
                CREATE TABLE fleet_reports (
                    site TEXT PRIMARY KEY NOT NULL,
                    vector TEXT NOT NULL,
                    peers TEXT NOT NULL,
                    reported_hlc INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
    }

    private static func createRestoreRecovery(_ db: Database) throws {
        try db.execute(
            sql: """
                -- After a restore from a backup, this site's numbering jumps past every number it may
                -- have given before the loss; until it has synced with each peer listed here, it asks
                -- for its own changes above what the backup held, so that peers send back the ones it
                -- made after the backup.
                CREATE TABLE recovery_peers (peer TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                """)
    }

    /// Origins whose changes this site holds back (see ``HeldOrigin``), for `status` and `/metrics`:
    /// local, never synchronised; a row goes when the site's number for the origin passes it.
    private static func createHeldOrigins(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE held_origins (
                    origin TEXT PRIMARY KEY NOT NULL,
                    seq INTEGER NOT NULL,
                    ahead_ms INTEGER,
                    bound_ms INTEGER,
                    invalid_rule TEXT,
                    since_ms INTEGER NOT NULL,
                    checked_ms INTEGER NOT NULL,
                    CHECK ((ahead_ms IS NOT NULL AND bound_ms IS NOT NULL) OR invalid_rule IS NOT NULL)
                ) WITHOUT ROWID;
                """)
    }

    /// Every site refuses a change carrying a value over 65,536 bytes, and a refused value stops the
    /// batch it travels in: so the database refuses such a value from any program when it is
    /// written, and the writing program learns at once.
    private static func refuseOversizedValues(_ db: Database) throws {
        for (table, columns) in [("appointments", appointmentColumns), ("prescriptions", prescriptionColumns)] {
            try refuseOversizedValues(db, table: table, columns: columns)
        }
    }

    static func refuseOversizedValues(_ db: Database, table: String, columns: [String]) throws {
        let tooLong = columns.map { "length(CAST(NEW.\($0) AS BLOB)) > 65536" }.joined(separator: " OR ")
        for event in ["INSERT", "UPDATE"] {
            try db.execute(
                sql: """
                    CREATE TRIGGER \(table)_refuse_oversized_\(event.lowercased()) BEFORE \(event) ON \(table)
                    WHEN \(tooLong)
                    BEGIN SELECT RAISE(ABORT, 'clinicsync: a value of \(table) is longer than 65536 bytes, the most every site accepts'); END
                    """)
        }
    }

    /// Each database gets an incarnation (kept by backups and restores; see `Incarnation`), sites
    /// report it, and each site remembers per site (local, not synchronised) the database that site
    /// itself first reported from, any second one it reported from since, and the one its reports
    /// relayed by others name (`heard`: informational, since a relay could forge it).
    private static func createSiteIncarnations(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE site_identity ADD COLUMN incarnation TEXT;
                UPDATE site_identity SET incarnation = lower(hex(randomblob(16)));
                CREATE TABLE known_incarnations (
                    site TEXT PRIMARY KEY NOT NULL,
                    incarnation TEXT,
                    other TEXT,
                    other_seen_ms INTEGER,
                    heard TEXT
                ) WITHOUT ROWID;
                """)
    }

    /// How far this site's wall clock was ahead of each peer's when it last reported itself: a
    /// wall clock running fast now is caught before its changes are held everywhere.
    /// Each origin's signed groups and keys (docs/design/authenticated-origins.md). This site's own
    /// chain starts after every change it made so far: those stay legacy, accepted as before.
    private static func createOriginChains(_ db: Database) throws {
        try db.execute(
            sql: """
                -- leaves: 32 bytes per number of the group, NULL once its root alone stands for them.
                CREATE TABLE chain_groups (
                    origin TEXT NOT NULL,
                    last INTEGER NOT NULL,
                    first INTEGER NOT NULL,
                    genesis INTEGER NOT NULL,
                    previous INTEGER NOT NULL,
                    root BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    leaves BLOB,
                    PRIMARY KEY (origin, last)
                ) WITHOUT ROWID;
                CREATE TABLE chain_keys (
                    origin TEXT NOT NULL,
                    public_key BLOB NOT NULL,
                    PRIMARY KEY (origin, public_key)
                ) WITHOUT ROWID;
                ALTER TABLE sync_clock ADD COLUMN chain_genesis INTEGER NOT NULL DEFAULT 1;
                UPDATE sync_clock SET chain_genesis = last_seq + 1;
                """)
    }

    private static func createPeerClockReadings(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE peer_clock_readings (
                    site TEXT PRIMARY KEY NOT NULL,
                    ahead_ms INTEGER NOT NULL,
                    read_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
    }

    /// The greatest timestamp of any entry compaction removed: `clock recover` re-stamps a site's
    /// fast changes above it too, since a change a fast one superseded (and saw) may be gone from the
    /// log. A store that may have compacted before (only one that has reports from its fleet can)
    /// starts at the latest clock its fleet reported: another site's change was removed only once
    /// every site held it, so its origin had reported a clock at or past its stamp.
    private static func addCompactedStamps(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE sync_clock ADD COLUMN compacted_hlc INTEGER NOT NULL DEFAULT 0;
                UPDATE sync_clock SET compacted_hlc = COALESCE((SELECT MAX(reported_hlc) FROM fleet_reports), 0);
                """)
    }

    /// Sites report their drift bound; the fleet's smallest applies everywhere.
    private static func addReportedDriftBounds(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE fleet_reports ADD COLUMN max_drift_ms INTEGER")
    }

    /// Captured writes no longer maintain an index of the log by row (a random-key B-tree insert on
    /// every write, which cost more than the write itself): clinicsync indexes them in
    /// `row_entries`, in key order, before it needs a row's history; deletes leave a tombstone.
    private static func moveRowIndexOutOfCapture(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE tombstones (
                    tbl INTEGER NOT NULL,
                    row_id TEXT NOT NULL,
                    PRIMARY KEY (tbl, row_id)
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO tombstones SELECT tbl, row_id FROM change_log WHERE cols = 0;
                -- The log's entries by row. This site's own entries numbered above sync_clock.indexed_seq
                -- are not in it yet; clinicsync adds them before it reads a row's history.
                CREATE TABLE row_entries (
                    tbl INTEGER NOT NULL,
                    row_id TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (tbl, row_id, origin, seq)
                ) WITHOUT ROWID;
                INSERT INTO row_entries SELECT tbl, row_id, origin, seq FROM change_log ORDER BY tbl, row_id, origin, seq;
                DROP INDEX change_log_by_row;
                ALTER TABLE sync_clock ADD COLUMN indexed_seq INTEGER NOT NULL DEFAULT 0;
                UPDATE sync_clock SET indexed_seq = last_seq;
                """)
        for (table, code, columns) in [("appointments", 1, appointmentColumns), ("prescriptions", 2, prescriptionColumns)] {
            for name in CaptureTriggers.names(table: table) { try db.execute(sql: "DROP TRIGGER \(name)") }
            for statement in CaptureTriggers.statements(table: table, code: code, columns: columns, deletes: .logEntryAndTombstone) {
                try db.execute(sql: statement)
            }
        }
    }

    static let appointmentColumns = [
        "patient_id", "patient_name", "therapist", "site", "starts_at", "minutes", "units", "status",
        "prescription_id", "notes",
    ]
    static let prescriptionColumns = [
        "patient_id", "patient_name", "prescriber", "prescriber_npi", "diagnosis", "icd10_codes",
        "visits_authorized", "units_per_visit", "frequency", "body_region", "issued_on", "expires_on",
        "payer", "member_id", "notes",
    ]
}
