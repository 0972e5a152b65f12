package import ClinicSyncCore
import GRDB

/// A row of `console_accounts`: local to the site, never captured or synchronised.
package struct ConsoleAccountRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "console_accounts"

    package var name: String
    package var role: String
    /// A bcrypt hash (`$2b$…`): never the password.
    package var passwordHash: String
    package var createdAt: String
    package var passwordChangedAt: String
    /// Failed sign-ins since the last success (or password change).
    package var failedLogins: Int
    /// Sign-ins are refused until then (ISO 8601, UTC).
    package var lockedUntil: String?

    package enum CodingKeys: String, CodingKey {
        case name, role
        case passwordHash = "password_hash"
        case createdAt = "created_at"
        case passwordChangedAt = "password_changed_at"
        case failedLogins = "failed_logins"
        case lockedUntil = "locked_until"
    }
}

extension SiteStore {
    /// Adds an account with a password hashed by the caller.
    package func addConsoleAccount(_ account: ConsoleAccount, passwordHash: String, at now: UTCDateTime) throws(StoreError) {
        try write { transaction in
            guard try ConsoleAccountRecord.fetchOne(transaction.db, key: account.name) == nil else {
                throw StoreError.accountExists(name: account.name)
            }
            try ConsoleAccountRecord(
                name: account.name, role: account.role.rawValue, passwordHash: passwordHash, createdAt: now.description,
                passwordChangedAt: now.description, failedLogins: 0, lockedUntil: nil
            ).insert(transaction.db)
        }
    }

    /// Every account, by name.
    package func consoleAccounts() throws(StoreError) -> [ConsoleAccountRecord] {
        try read { db in try ConsoleAccountRecord.order(Column("name")).fetchAll(db) }
    }

    /// One account, or `nil`.
    package func consoleAccount(named name: String) throws(StoreError) -> ConsoleAccountRecord? {
        try read { db in try ConsoleAccountRecord.fetchOne(db, key: name) }
    }

    /// Removes an account.
    package func removeConsoleAccount(named name: String) throws(StoreError) {
        try write { transaction in
            guard try ConsoleAccountRecord.deleteOne(transaction.db, key: name) else { throw StoreError.noSuchAccount(name: name) }
        }
    }

    /// Replaces an account's password hash, and lifts a lockout: a new password is a fresh start.
    package func setConsolePassword(named name: String, passwordHash: String, at now: UTCDateTime) throws(StoreError) {
        try write { transaction in
            try transaction.db.execute(
                sql: """
                    UPDATE console_accounts SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL
                    WHERE name = ?
                    """, arguments: [passwordHash, now.description, name])
            guard transaction.db.changesCount == 1 else { throw StoreError.noSuchAccount(name: name) }
        }
    }
}

extension SiteStore {
    /// Settles a sign-in whose password was checked (`matched`), in one transaction so that
    /// attempts in flight cannot pass a lock set meanwhile: a locked account is refused; a lock that
    /// has expired is lifted with its count; a match clears the count and returns the account; a
    /// miss counts, and the `lockAfter`-th locks the account for `lockFor` seconds.
    /// `checkedHash` is the hash the password was checked against: if the password changed (or the
    /// account was re-created) meanwhile, the attempt is refused and not counted.
    package func settleSignIn(
        name: String, checkedHash: String, matched: Bool, at now: UTCDateTime, lockAfter: Int, lockFor: Int
    ) throws(StoreError) -> ConsoleAccountRecord? {
        try write { transaction in
            let db = transaction.db
            guard var record = try ConsoleAccountRecord.fetchOne(db, key: name), record.passwordHash == checkedHash else { return nil }
            if let lockedUntil = record.lockedUntil, let until = try? UTCDateTime(lockedUntil, field: "locked_until") {
                guard until <= now else { return nil }
                record.failedLogins = 0
                record.lockedUntil = nil
            }
            if matched {
                record.failedLogins = 0
            } else {
                record.failedLogins += 1
                if record.failedLogins >= lockAfter {
                    record.lockedUntil = UTCDateTime(secondsSinceEpoch: now.secondsSinceEpoch + lockFor).description
                }
            }
            try record.update(db)
            return matched ? record : nil
        }
    }
}
