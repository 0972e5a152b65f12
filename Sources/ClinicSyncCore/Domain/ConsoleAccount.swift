/// Someone who may sign in to the site's web console (issue 14). Accounts are local to a site:
/// never synchronised, never in the change log (a password hash has no business at other sites).
package struct ConsoleAccount: Hashable, Sendable {
    /// What the account may do in the console.
    package enum Role: String, CaseIterable, Sendable {
        /// Everything, including resolving conflicts and reading the access log.
        case admin
        /// The front desk: patients, alerts (acknowledging them), coverage checks, the day view.
        case frontdesk
    }

    package let name: String
    package var role: Role

    /// What a name may be, for messages and `--help`.
    package static let nameForm = "1-64 characters of a-z, 0-9, '.', '-' or '_', starting with a letter or digit"

    /// Validates `name` (lowercase, so that `Kim` and `kim` cannot be two accounts).
    package init(name: String, role: Role) throws(ValidationError) {
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) }
        guard (1...64).contains(name.count), allowed, let first = name.unicodeScalars.first, !".-_".unicodeScalars.contains(first) else {
            throw ValidationError(field: "name", rule: "must be \(Self.nameForm)")
        }
        self.name = name
        self.role = role
    }
}

/// What a console password must be. Long passphrases are welcome; bcrypt reads at most 72 bytes,
/// so a longer one is refused rather than silently cut.
package enum ConsolePassword {
    package static let rule = "must be 12 to 72 bytes (UTF-8) without control characters, not only spaces, and not the account's name"

    package static func validate(_ password: String, for account: String) throws(ValidationError) {
        // bcrypt reads a C string: a NUL would end the password early.
        guard (12...72).contains(password.utf8.count), !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
            !password.allSatisfy(\.isWhitespace), password.lowercased() != account.lowercased()
        else { throw ValidationError(field: "password", rule: rule) }
    }
}
