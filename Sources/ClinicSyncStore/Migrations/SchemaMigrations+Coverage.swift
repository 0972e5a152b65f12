import GRDB

extension SchemaMigrations {
    /// Synchronised-table schema 2 (docs/design/coverage-and-alerts.md): payers' coverage checks,
    /// alert acknowledgements and conflict reviews, captured, merged and compacted like the first two
    /// tables. Acknowledgements and reviews are events with rows of their own (random ids), so two
    /// sites acknowledging one alert at once keep both records instead of conflicting.
    ///
    /// A coverage check has 20 synchronised columns and the log had 15 value slots: `v15`...`v19` are
    /// added as nullable columns, which SQLite does without rewriting a single entry.
    static func createCoverageAlertsAndReviews(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE coverage_checks (
                    id TEXT PRIMARY KEY NOT NULL,
                    patient_id TEXT,
                    payer TEXT,
                    member_id TEXT,
                    checked_on TEXT,
                    checked_by TEXT,
                    site TEXT,
                    reference_number TEXT,
                    rep_name TEXT,
                    covered INTEGER CHECK (covered IS NULL OR covered IN (0, 1)),
                    requires_prescription INTEGER CHECK (requires_prescription IS NULL OR requires_prescription IN (0, 1)),
                    qualifying_icd10 TEXT,
                    visit_limit INTEGER,
                    visit_limit_period TEXT CHECK (visit_limit_period IS NULL OR visit_limit_period IN ('plan_year', 'authorization')),
                    plan_year_start TEXT,
                    units_per_visit_limit INTEGER,
                    authorization_number TEXT,
                    valid_from TEXT,
                    valid_until TEXT,
                    in_network_sites TEXT,
                    notes TEXT
                ) STRICT;
                CREATE INDEX coverage_checks_by_patient ON coverage_checks (patient_id, payer);

                CREATE TABLE alert_acknowledgements (
                    id TEXT PRIMARY KEY NOT NULL,
                    alert_id TEXT,
                    acknowledged_by TEXT,
                    site TEXT,
                    acknowledged_at TEXT,
                    note TEXT
                ) STRICT;
                CREATE INDEX alert_acknowledgements_by_alert ON alert_acknowledgements (alert_id);

                CREATE TABLE conflict_reviews (
                    id TEXT PRIMARY KEY NOT NULL,
                    entry_id TEXT,
                    decision TEXT CHECK (decision IS NULL OR decision IN ('winner', 'loser', 'value')),
                    reviewed_by TEXT,
                    site TEXT,
                    reviewed_at TEXT,
                    note TEXT
                ) STRICT;
                CREATE INDEX conflict_reviews_by_entry ON conflict_reviews (entry_id);
                """)
        // Slots 15...19: literal, as everything a migration does.
        for slot in 15...19 {
            try db.execute(sql: "ALTER TABLE change_log ADD COLUMN v\(slot)")
        }
        for (table, code, columns) in [
            ("coverage_checks", 3, coverageCheckColumns), ("alert_acknowledgements", 4, alertAcknowledgementColumns),
            ("conflict_reviews", 5, conflictReviewColumns),
        ] {
            for statement in CaptureTriggers.statements(table: table, code: code, columns: columns, deletes: .logEntryAndTombstone) {
                try db.execute(sql: statement)
            }
            try refuseOversizedValues(db, table: table, columns: columns)
        }
    }

    static let coverageCheckColumns = [
        "patient_id", "payer", "member_id", "checked_on", "checked_by", "site", "reference_number", "rep_name", "covered",
        "requires_prescription", "qualifying_icd10", "visit_limit", "visit_limit_period", "plan_year_start",
        "units_per_visit_limit", "authorization_number", "valid_from", "valid_until", "in_network_sites", "notes",
    ]
    static let alertAcknowledgementColumns = ["alert_id", "acknowledged_by", "site", "acknowledged_at", "note"]
    static let conflictReviewColumns = ["entry_id", "decision", "reviewed_by", "site", "reviewed_at", "note"]
}
