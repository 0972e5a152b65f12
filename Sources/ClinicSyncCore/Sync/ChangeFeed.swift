/// What the peer protocol needs from a site's store: its identity, what it holds, the changes a
/// peer lacks, and merging a batch. The sync layer knows the store only through this protocol.
public protocol ChangeFeed: Sendable {
    /// The site the store belongs to.
    var siteID: SiteID { get }
    /// The greatest sequence number held per origin.
    func versionVector() async throws -> VersionVector
    /// Up to `limit` changes that a holder of `vector` lacks, each origin's in sequence order.
    func changes(missingFrom vector: VersionVector, limit: Int) async throws -> [Change]
    /// Merges a batch all or nothing; throws ``ChangeRejected`` when the batch itself is at fault.
    func apply(_ changes: [Change]) async throws -> ApplyOutcome
}

/// A batch refused because of what it contains (a malformed change, a timestamp beyond the drift
/// bound), as opposed to a failure of the receiving site. Nothing of the batch was applied.
public struct ChangeRejected: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why, naming the first offending change; never patient data.
    public let reason: String
    /// Whether the cause is the sender's clock running ahead (reported as a clock problem).
    public let isClockSkew: Bool

    /// Describes a refused batch.
    public init(reason: String, isClockSkew: Bool = false) {
        self.reason = reason
        self.isClockSkew = isClockSkew
    }

    public var description: String { reason }
}

/// What applying a batch of remote changes did.
public struct ApplyOutcome: Equatable, Sendable {
    /// Changes new to this site.
    public var applied: Int
    /// Changes the site already held (ignored).
    public var duplicates: Int
    /// Conflict-journal entries those changes produced or updated.
    public var conflicts: Int

    /// Counts of one apply.
    public init(applied: Int = 0, duplicates: Int = 0, conflicts: Int = 0) {
        self.applied = applied
        self.duplicates = duplicates
        self.conflicts = conflicts
    }
}
