/// One database's identity under its site id: 32 lowercase hex digits made when the database was
/// initialised, kept by backups and restores. A second database under the same site id (a site
/// re-initialised instead of restored, or a copied disk that was re-initialised) has another one,
/// and would number its changes from where the first one's numbers already are, so every site
/// that knows the first refuses it.
public struct Incarnation: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Validates the written form.
    public init(_ text: String) throws(ValidationError) {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ValidationError(field: "incarnation", rule: "must be 32 lowercase hexadecimal digits")
        }
        rawValue = text
    }

    /// The first 8 digits, enough to tell two databases apart in a message.
    public var description: String { String(rawValue.prefix(8)) }
}

/// A site seen reporting from two databases: the one this site knew first, and the other.
public struct IdentityConflict: Hashable, Sendable, CustomStringConvertible {
    public let site: SiteID
    /// The database this site knew first (for this site itself: its own).
    public let known: Incarnation
    /// The database that reported under the same site id since.
    public let other: Incarnation
    /// Whether the site is this one: another database claims to be it.
    public let isSelf: Bool

    public init(site: SiteID, known: Incarnation, other: Incarnation, isSelf: Bool) {
        self.site = site
        self.known = known
        self.other = other
        self.isSelf = isSelf
    }

    public var description: String {
        if isSelf {
            return "another database (incarnation \(other)) reports as this site '\(site)' (incarnation \(known)): "
                + "give one of them a site id of its own"
        }
        return "two databases report as site '\(site)': incarnation \(known) (known here first) and \(other); "
            + "its changes are held. Restore the site from a backup (`clinicsync restore`) or give the new database "
            + "a site id of its own, then `clinicsync identity clear-conflict \(site)` here"
    }
}
