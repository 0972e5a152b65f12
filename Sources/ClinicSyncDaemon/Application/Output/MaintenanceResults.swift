/// What `clinicsync init` did.
package struct InitResult: Codable, Sendable, Equatable {
    package var siteID: String
    package var database: String
    package var schemaVersion: String
    /// Whether the database was created now (rather than found).
    package var created: Bool
    package var fingerprint: String
    /// Whether the site's key and certificate were created now.
    package var identityCreated: Bool

    enum CodingKeys: String, CodingKey {
        case database, created, fingerprint
        case siteID = "site_id"
        case schemaVersion = "schema_version"
        case identityCreated = "identity_created"
    }
}

/// What `clinicsync backup` wrote.
package struct BackupResult: Codable, Sendable, Equatable {
    /// The new backup file.
    package var backup: String
    /// The database it copies.
    package var database: String
}

/// What `clinicsync restore` did.
package struct RestoreResult: Codable, Sendable, Equatable {
    package var restoredFrom: String
    package var database: String
    /// Where the replaced database is kept, if there was one.
    package var replacedDatabase: String?
    /// The site's own last change number in the backup.
    package var backupSequence: Int64
    /// The number the site's next change gets (above any it may have used after the backup).
    package var nextSequence: Int64
    /// The peers to sync with to get back the changes made after the backup.
    package var recoveringFrom: [String]

    enum CodingKeys: String, CodingKey {
        case database
        case restoredFrom = "restored_from"
        case replacedDatabase = "replaced_database"
        case backupSequence = "backup_sequence"
        case nextSequence = "next_sequence"
        case recoveringFrom = "recovering_from"
    }
}

/// What `clinicsync check` found.
package struct CheckResult: Codable, Sendable, Equatable {
    package var ok: Bool
    package var problems: [String]
    /// SHA-256 of the synchronised state (tables, deletes, conflict journal): equal at sites that agree.
    package var digest: String
    /// The database file checked.
    package var database: String
}

/// What `clinicsync compact` did.
package struct CompactionResult: Codable, Sendable, Equatable {
    package var removed: Int
    package var remaining: Int
    /// Why compaction stopped short, when the fleet's state held it back.
    package var waiting: String?
}

/// What `clinicsync clock recover` did.
package struct ClockRecoveryResult: Codable, Sendable, Equatable {
    /// How far the site's newest change was ahead of the wall clock before, and after.
    package var leadBeforeMilliseconds: UInt64
    package var leadAfterMilliseconds: UInt64
    /// How many changes got new stamps, and the first of them (none: nothing was ahead enough).
    package var restamped: Int
    package var firstRestampedSequence: Int64?

    enum CodingKeys: String, CodingKey {
        case restamped
        case leadBeforeMilliseconds = "lead_before_ms"
        case leadAfterMilliseconds = "lead_after_ms"
        case firstRestampedSequence = "first_restamped_seq"
    }
}
