import ClinicSyncStore

/// A console account as `clinicsync user list` shows it: never its password hash.
package struct AccountView: Codable, Sendable, Equatable {
    package var name: String
    package var role: String
    package var createdAt: String
    package var passwordChangedAt: String
    /// Failed sign-ins since the last success or password change.
    package var failedLogins: Int
    /// Sign-ins are refused until then; absent when not locked.
    package var lockedUntil: String?

    enum CodingKeys: String, CodingKey {
        case name, role
        case createdAt = "created_at"
        case passwordChangedAt = "password_changed_at"
        case failedLogins = "failed_logins"
        case lockedUntil = "locked_until"
    }

    init(_ record: ConsoleAccountRecord) {
        name = record.name
        role = record.role
        createdAt = record.createdAt
        passwordChangedAt = record.passwordChangedAt
        failedLogins = record.failedLogins
        lockedUntil = record.lockedUntil
    }
}
