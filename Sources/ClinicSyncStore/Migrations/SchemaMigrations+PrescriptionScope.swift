import GRDB

extension SchemaMigrations {
    /// Synchronised-table schema 3 (docs/design/prescription-scope.md): the region a visit treats, the
    /// regions and letter of medical necessity of a prescription, and whether a payer requires the
    /// letter. Columns are added (no row is rewritten, and the log keeps every old value as it was);
    /// the prescriptions' free-text `body_region` stays beside the new list, since old log entries
    /// that a site replays from history hold text, not lists.
    ///
    /// The capture and size triggers of the three tables are made again with their new column lists,
    /// and the log gains slot `v20` for a coverage check's 21st column.
    static func addPrescriptionScope(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE appointments ADD COLUMN body_region TEXT;
                ALTER TABLE prescriptions ADD COLUMN body_regions TEXT;
                ALTER TABLE prescriptions ADD COLUMN lmn_received_on TEXT;
                ALTER TABLE prescriptions ADD COLUMN lmn_reference TEXT;
                ALTER TABLE coverage_checks ADD COLUMN requires_lmn INTEGER CHECK (requires_lmn IS NULL OR requires_lmn IN (0, 1));
                ALTER TABLE change_log ADD COLUMN v20;
                """)
        for (table, code, columns) in [
            ("appointments", 1, appointmentColumns + ["body_region"]),
            ("prescriptions", 2, prescriptionColumns + ["body_regions", "lmn_received_on", "lmn_reference"]),
            ("coverage_checks", 3, coverageCheckColumns + ["requires_lmn"]),
        ] {
            for name in CaptureTriggers.names(table: table) + ["insert", "update"].map({ "\(table)_refuse_oversized_\($0)" }) {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            for statement in CaptureTriggers.statements(table: table, code: code, columns: columns, deletes: .logEntryAndTombstone) {
                try db.execute(sql: statement)
            }
            try refuseOversizedValues(db, table: table, columns: columns)
        }
    }
}

extension SchemaMigrations {
    /// The web console's accounts (docs/design/console.md): local to the site, never captured or
    /// synchronised. `failed_logins` and `locked_until` carry the lockout after repeated failures.
    static func createConsoleAccounts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE console_accounts (
                    name TEXT PRIMARY KEY NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'frontdesk')),
                    password_hash TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    password_changed_at TEXT NOT NULL,
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT
                ) STRICT;
                """)
    }
}

extension SchemaMigrations {
    /// Who viewed which patient's data in the console, and on which page (HIPAA's access audit):
    /// local to the site, never captured or synchronised, never logged elsewhere.
    static func createAccessLog(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE access_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    account TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    page TEXT NOT NULL
                ) STRICT;
                CREATE INDEX access_log_by_patient ON access_log (patient_id, seq);
                """)
    }
}
