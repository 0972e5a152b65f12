/// The version of one write: when it was made and at which site.
///
/// Last-writer-wins compares stamps: the greater timestamp wins and equal timestamps fall back to the
/// origin site id, so every site picks the same winner. The site is always the ORIGIN of the write,
/// never a site that relayed it.
public struct WriteStamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The hybrid-logical-clock time of the write.
    public let timestamp: HybridTimestamp
    /// The site where the write was made.
    public let origin: SiteID

    /// Pairs a timestamp with the site that issued it.
    public init(_ timestamp: HybridTimestamp, _ origin: SiteID) {
        self.timestamp = timestamp
        self.origin = origin
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.timestamp, lhs.origin) < (rhs.timestamp, rhs.origin)
    }

    public var description: String { "\(timestamp)@\(origin)" }
}

extension Optional where Wrapped == WriteStamp {
    /// Whether a write whose base is `self` had already seen `stamp` when it was made.
    ///
    /// A base is the version of the value that a write replaced at its origin. Clocks only move
    /// forward, so a site that had seen `stamp` held a version at least that large.
    public func covers(_ stamp: WriteStamp) -> Bool {
        guard let base = self else { return false }
        return base >= stamp
    }
}
