package import ClinicSyncCore
import ClinicSyncStore
import Foundation
import HummingbirdBcrypt

/// The web console's accounts (`clinicsync user ...`). Passwords are stored as bcrypt hashes only
/// and are never logged, printed or kept beyond the call.
extension SiteApplication {
    /// bcrypt's work factor: about a quarter of a second per hash on a clinic's PC, which is what
    /// makes a stolen database slow to guess from.
    static let bcryptCost: UInt8 = 12

    /// Adds an account.
    package func addAccount(name: String, role: ConsoleAccount.Role, password: String) throws(ApplicationError) -> AccountView {
        let account = try Self.account(name: name, role: role)
        try Self.checkPassword(password, for: account.name)
        let store = try openStore()
        try classifyingErrors { try store.addConsoleAccount(account, passwordHash: Self.hash(password), at: Self.now) }
        return try classifyingErrors { AccountView(try store.consoleAccount(named: account.name)!) }
    }

    /// Every account, by name, without their hashes.
    package func accounts() throws(ApplicationError) -> [AccountView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { try store.consoleAccounts().map(AccountView.init) }
    }

    /// Removes an account; its console sessions end at their next request.
    package func removeAccount(name: String) throws(ApplicationError) {
        let store = try openStore()
        try classifyingErrors { try store.removeConsoleAccount(named: name) }
    }

    /// Sets an account's password and lifts a lockout.
    package func changePassword(name: String, password: String) throws(ApplicationError) {
        try Self.checkPassword(password, for: name)
        let store = try openStore()
        try classifyingErrors { try store.setConsolePassword(named: name, passwordHash: Self.hash(password), at: Self.now) }
    }

    static func account(name: String, role: ConsoleAccount.Role) throws(ApplicationError) -> ConsoleAccount {
        do { return try ConsoleAccount(name: name, role: role) } catch { throw ApplicationError(.usage, error.description) }
    }

    static func checkPassword(_ password: String, for name: String) throws(ApplicationError) {
        do { try ConsolePassword.validate(password, for: name) } catch { throw ApplicationError(.invalidData, error.description) }
    }

    static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

}

/// The outcome of a sign-in attempt. The console says the same for every failure, so that it never
/// tells whether a name exists.
package enum SignInResult: Sendable, Equatable {
    /// `credential` (the password's salted hash, unique to each setting of it) lets a session end when
    /// the password changes.
    case signedIn(name: String, role: ConsoleAccount.Role, credential: String)
    case refused
}

/// What a signed-in session depends on: the account still exists, with this role and this password.
package struct AccountState: Sendable, Equatable {
    package let role: String
    package let credential: String
}

extension SiteApplication {
    /// Failures in a row before an account is locked, and for how long.
    static let lockAfterFailures = 5
    static let lockSeconds = 15 * 60

    /// Checks a name and password (bcrypt: slow on purpose; call it off the cooperative pool). An
    /// unknown name costs the same as a wrong password; a locked account is refused even with the
    /// right one; five failures in a row lock it for 15 minutes. The lock is judged when the attempt
    /// is settled, in one transaction, so attempts in flight cannot slip past it.
    package func signIn(name: String, password: String) throws(ApplicationError) -> SignInResult {
        let store = try openStore()
        let record = try classifyingErrors { try store.consoleAccount(named: name) }
        let matches = Bcrypt.verify(password, hash: record?.passwordHash ?? Self.decoyHash)
        guard let record else { return .refused }
        let settled = try classifyingErrors {
            try store.settleSignIn(
                name: name, checkedHash: record.passwordHash, matched: matches, at: Self.now, lockAfter: Self.lockAfterFailures,
                lockFor: Self.lockSeconds)
        }
        guard let settled, let role = ConsoleAccount.Role(rawValue: settled.role) else { return .refused }
        return .signedIn(name: settled.name, role: role, credential: settled.passwordHash)
    }

    /// The account's role and password hash, or `nil` once it is removed: a session ends when either
    /// changes.
    package func accountState(name: String) throws(ApplicationError) -> AccountState? {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            try store.consoleAccount(named: name).map { AccountState(role: $0.role, credential: $0.passwordHash) }
        }
    }

    /// A hash of nothing anyone types, checked for unknown names so they take as long as known ones.
    private static let decoyHash = Bcrypt.hash("decoy for unknown console account names", cost: bcryptCost)
}
