import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

extension SiteApplication {
    /// Creates the site's database and identity if they are missing; running it again changes nothing.
    package func initialize() throws(ApplicationError) -> InitResult {
        try classifyingErrors {
            let created = try configuration.initializeStore().created
            let identityCreated = try configuration.identityFiles.createIfMissing(site: configuration.siteID)
            let identity = try configuration.identityFiles.load()
            return InitResult(
                siteID: configuration.siteID.rawValue, database: configuration.databasePath, schemaVersion: SiteStore.schemaVersion,
                created: created, fingerprint: identity.fingerprint.rawValue, identityCreated: identityCreated)
        }
    }

    /// Copies the live database consistently (SQLite's online backup) to the new file `destination`.
    package func backup(to destination: String) throws(ApplicationError) -> BackupResult {
        let store = try openStoreReadOnly()
        try classifyingErrors { try store.backup(to: destination) }
        return BackupResult(backup: destination, database: store.path)
    }

    /// Brings the site back from `backup`; refused while the daemon serves the database. See
    /// ``Restore/run(configuration:from:keepingFastChanges:keepingUnstampedWrites:)`` for the two flags.
    package func restore(
        from backup: String, keepingFastChanges: Bool, keepingUnstampedWrites: Bool
    ) throws(ApplicationError) -> RestoreResult {
        let outcome = try classifyingErrors {
            try Restore.run(
                configuration: configuration, from: backup, keepingFastChanges: keepingFastChanges,
                keepingUnstampedWrites: keepingUnstampedWrites)
        }
        return RestoreResult(
            restoredFrom: backup, database: configuration.databasePath, replacedDatabase: outcome.replacedDatabase,
            backupSequence: outcome.backupSequence, nextSequence: outcome.nextSequence,
            recoveringFrom: outcome.recoveringFrom.map(\.rawValue))
    }

    /// SQLite's integrity check, the change log against the tables, and the origin chains held.
    package func check() throws(ApplicationError) -> CheckResult {
        try Self.check(try openStoreReadOnly())
    }

    /// ``check()`` of another database file (a backup, say), read-only, without a configuration.
    package static func check(databaseFile path: String) throws(ApplicationError) -> CheckResult {
        let store: SiteStore
        do { store = try SiteStore.openReadOnly(path: path) } catch { throw ApplicationError(error) }
        return try check(store)
    }

    private static func check(_ store: SiteStore) throws(ApplicationError) -> CheckResult {
        try classifyingErrors {
            let problems = try store.checkAll()
            return CheckResult(ok: problems.isEmpty, problems: problems, digest: try ContentDigest.of(store), database: store.path)
        }
    }

    /// Drops the change-log entries that every site of the fleet holds and none can need.
    package func compact() throws(ApplicationError) -> CompactionResult {
        let store = try openStore()
        return try classifyingErrors {
            let before = try store.changeLogCount()
            let outcome = try Compaction.run(configuration: configuration, store: store)
            return CompactionResult(removed: outcome.removed, remaining: before - outcome.removed, waiting: outcome.blocked)
        }
    }

    /// Re-stamps the site's changes made while its wall clock ran fast; refused while the daemon runs.
    package func recoverClock() throws(ApplicationError) -> ClockRecoveryResult {
        let recovery = try classifyingErrors { try ClockRecover.run(configuration: configuration) }
        return ClockRecoveryResult(
            leadBeforeMilliseconds: recovery.leadBefore.value, leadAfterMilliseconds: recovery.leadAfter.value,
            restamped: recovery.restamped, firstRestampedSequence: recovery.firstRestamped)
    }
}
