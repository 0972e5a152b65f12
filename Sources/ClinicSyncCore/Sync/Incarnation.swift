/// One database's identity under its site id: 32 lowercase hex digits made when the database was
/// initialised, kept by backups and restores. A second database under the same site id (a site
/// re-initialised instead of restored, or a copied disk that was re-initialised) has another one,
/// and would number its changes from where the first one's numbers already are, so every site
/// that knows the first refuses it.
package struct Incarnation: Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String

    /// Validates the written form.
    package init(_ text: String) throws(ValidationError) {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ValidationError(field: "incarnation", rule: "must be 32 lowercase hexadecimal digits")
        }
        rawValue = text
    }

    /// The first 8 digits, enough to tell two databases apart in a message.
    package var description: String { String(rawValue.prefix(8)) }
}

/// A site seen reporting, itself, from two databases: the one this site knew first, and the other.
package struct IdentityConflict: Hashable, Sendable, CustomStringConvertible {
    package let site: SiteID
    /// The database this site knew first.
    package let known: Incarnation
    /// The database that reported as the same site since.
    package let other: Incarnation

    package init(site: SiteID, known: Incarnation, other: Incarnation) {
        self.site = site
        self.known = known
        self.other = other
    }

    /// What the site that records the conflict shows its operator.
    package var description: String {
        "two databases report as site '\(site)': incarnation \(known) (known here first) and \(other); "
            + "its changes are held. Restore the site from a backup (`clinicsync restore`) or give the new database "
            + "a site id of its own, then `clinicsync identity clear-conflict \(site)` here"
    }

    /// What the refused database is told.
    package var refusal: String {
        "site '\(site)' is known here as database incarnation \(known), but this request comes from incarnation \(other): "
            + "a second database under the same site id (initialised afresh instead of restored?). Restore the site from a "
            + "backup (`clinicsync restore`) or give this database a site id of its own; the operator of the refusing site "
            + "then runs `clinicsync identity clear-conflict \(site)` there"
    }
}
