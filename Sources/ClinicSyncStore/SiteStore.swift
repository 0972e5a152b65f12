package import ClinicSyncCore
import Foundation
import GRDB

/// A site's database: the single entry point to appointments, prescriptions, the change log and the
/// conflict journal.
///
/// Every write is one SQLite transaction; the capture triggers stamp and log what it changes as it
/// changes it, exactly as they do for any other program's writes. The pool runs in WAL mode, so
/// readers never block the writer. A store opened with ``openReadOnly(path:siteID:maximumDrift:)`` never writes:
/// not even a migration or the clock.
package final class SiteStore: Sendable {
    /// The database file.
    package let path: String
    /// The site this database belongs to.
    package let siteID: SiteID
    let pool: any DatabaseWriter
    let wallClock: any WallClock
    let maximumDrift: Milliseconds
    let slowWrites = SlowWrites()

    private init(path: String, siteID: SiteID, pool: any DatabaseWriter, wallClock: any WallClock, maximumDrift: Milliseconds) {
        self.path = path
        self.siteID = siteID
        self.pool = pool
        self.wallClock = wallClock
        self.maximumDrift = maximumDrift
    }

    /// The schema version this build writes: the identifier of its last migration.
    package static var schemaVersion: String { SchemaMigrations.latestVersion }

    /// Creates the database (and its directory) if needed and records the site's identity.
    ///
    /// Running it again on the same database changes nothing.
    /// - Returns: the open store, and whether this call created the site's identity.
    package static func initialize(
        path: String, siteID: SiteID, wallClock: any WallClock = SystemWallClock(),
        maximumDrift: Milliseconds = .defaultMaximumDrift
    ) throws(StoreError) -> (store: SiteStore, created: Bool) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw .database(path: path, message: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        let pool = try openPool(path: path)
        // Patient data: readable by the owner only.
        chmod(path, 0o600)
        let created: Bool = try StoreError.mapping(path: path) {
            try pool.write { db in
                if let existing = try String.fetchOne(db, sql: "SELECT site_id FROM site_identity") {
                    guard existing == siteID.rawValue else {
                        throw StoreError.siteMismatch(path: path, database: try SiteID(existing), configured: siteID)
                    }
                    return false
                }
                try db.execute(
                    sql: "INSERT INTO site_identity (singleton, site_id, incarnation) VALUES (1, ?, lower(hex(randomblob(16))))",
                    arguments: [siteID.rawValue])
                try db.execute(sql: "UPDATE sync_clock SET site_id = ?", arguments: [siteID.rawValue])
                return true
            }
        }
        return (SiteStore(path: path, siteID: siteID, pool: pool, wallClock: wallClock, maximumDrift: maximumDrift), created)
    }

    /// Opens an initialised database and applies any new migrations.
    package static func open(
        path: String, siteID: SiteID, wallClock: any WallClock = SystemWallClock(),
        maximumDrift: Milliseconds = .defaultMaximumDrift
    ) throws(StoreError) -> SiteStore {
        try requireFile(path)
        let pool = try openPool(path: path)
        let stored: String? = try StoreError.mapping(path: path) {
            try pool.read { db in try String.fetchOne(db, sql: "SELECT site_id FROM site_identity") }
        }
        guard let stored else { throw .notInitialized(path: path) }
        guard stored == siteID.rawValue else {
            throw .siteMismatch(path: path, database: (try? SiteID(stored)) ?? siteID, configured: siteID)
        }
        return SiteStore(path: path, siteID: siteID, pool: pool, wallClock: wallClock, maximumDrift: maximumDrift)
    }

    /// Opens a database for reading only: nothing is written to it (no migration, no clock, no
    /// journal-mode change), so it works for a user who may only read the file, never waits behind
    /// the daemon's writes, and leaves a backup copy byte-identical. `siteID` `nil` takes the site
    /// the file belongs to. A database that still needs this version's migrations is refused with
    /// what to do.
    package static func openReadOnly(
        path: String, siteID: SiteID? = nil, maximumDrift: Milliseconds = .defaultMaximumDrift
    ) throws(StoreError) -> SiteStore {
        try requireFile(path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "clinicsync-read"
        let (queue, stored): (DatabaseQueue, String?) = try StoreError.mapping(path: path) {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = SchemaMigrations.migrator
            let stored: String? = try queue.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    let unknown = Array(try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)).sorted()
                    throw StoreError.schemaTooNew(path: path, unknownMigrations: unknown)
                }
                guard try db.tableExists("site_identity") else { return nil }
                guard try migrator.hasCompletedMigrations(db) else {
                    throw StoreError.needsUpgrade(path: path, pending: try migrator.migrations.count - migrator.appliedMigrations(db).count)
                }
                return try String.fetchOne(db, sql: "SELECT site_id FROM site_identity")
            }
            return (queue, stored)
        }
        guard let stored, let owner = try? SiteID(stored) else { throw .notInitialized(path: path) }
        if let siteID, siteID != owner { throw .siteMismatch(path: path, database: owner, configured: siteID) }
        return SiteStore(path: path, siteID: owner, pool: queue, wallClock: SystemWallClock(), maximumDrift: maximumDrift)
    }

    /// Refuses a missing database, telling "not initialised" apart from "not yours to read".
    private static func requireFile(_ path: String) throws(StoreError) {
        if FileManager.default.fileExists(atPath: path) {
            guard access(path, R_OK) == 0 else { throw .permissionDenied(path: path) }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        if access(directory.isEmpty ? "." : directory, X_OK) != 0, errno == EACCES { throw .permissionDenied(path: path) }
        throw .notInitialized(path: path)
    }

    private static func openPool(path: String) throws(StoreError) -> DatabasePool {
        var configuration = Configuration()
        // Another process (the daemon, a CLI command, a front-desk app) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        configuration.label = "clinicsync"
        return try StoreError.mapping(path: path) {
            let pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = SchemaMigrations.migrator
            let unknown = try pool.read { db in
                try migrator.hasBeenSuperseded(db)
                    ? Array(try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)).sorted() : []
            }
            guard unknown.isEmpty else { throw StoreError.schemaTooNew(path: path, unknownMigrations: unknown) }
            try migrator.migrate(pool)
            return pool
        }
    }

    /// Runs `body` in one write transaction with the clock loaded; the clock is saved back before
    /// commit, so a timestamp witnessed from another site is never issued again.
    func write<T>(_ operation: StaticString = #function, _ body: (inout WriteTransaction) throws -> T) throws(StoreError) -> T {
        try StoreError.mapping(path: path) {
            try timedWrite(operation) { db in
                var transaction = try WriteTransaction(db: db, site: siteID, wallClock: wallClock, maximumDrift: maximumDrift)
                let result = try body(&transaction)
                try transaction.saveClock()
                return result
            }
        }
    }

    /// One write transaction, reported if slow (see ``reportSlowWrites(over:_:)``).
    func timedWrite<T>(_ operation: StaticString = #function, _ body: (Database) throws -> T) throws -> T {
        try slowWrites.timing(operation) { try pool.write(body) }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try StoreError.mapping(path: path) { try pool.read(body) }
    }

    /// The clock's latest timestamp (issued locally or received).
    package func clock() throws(StoreError) -> HybridTimestamp {
        try read { db in try WriteTransaction.loadClock(db) }
    }
}

extension StoreError {
    /// Runs `body`, passing a `StoreError` through and turning anything else into `.database`.
    static func mapping<T>(path: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as ValidationError {
            throw .invalid(error)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw .busy(path: path)
        } catch let error as DatabaseError {
            throw .database(path: path, message: error.message ?? error.description)
        } catch {
            throw .database(path: path, message: String(describing: error))
        }
    }
}
