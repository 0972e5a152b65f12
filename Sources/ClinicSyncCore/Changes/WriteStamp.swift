/// The version of one write: when it was made and at which site.
///
/// Last-writer-wins compares stamps: the greater timestamp wins and equal timestamps fall back to the
/// origin site id, so every site picks the same winner. The site is always the ORIGIN of the write,
/// never a site that relayed it.
package struct WriteStamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The hybrid-logical-clock time of the write.
    package let timestamp: HybridTimestamp
    /// The site where the write was made.
    package let origin: SiteID

    /// Pairs a timestamp with the site that issued it.
    package init(_ timestamp: HybridTimestamp, _ origin: SiteID) {
        self.timestamp = timestamp
        self.origin = origin
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.timestamp, lhs.origin) < (rhs.timestamp, rhs.origin)
    }

    package var description: String { "\(timestamp)@\(origin)" }
}

/// The order last-writer-wins puts changes in: their stamps, then, for two changes of one origin
/// with one timestamp, their sequence numbers.
///
/// Only a restored site's new change and one its lost disk made can share a stamp: both stamped
/// just after the same change received from a site whose clock runs ahead. The later-numbered one
/// is the newer; without this, each site would keep whichever of the two it applied first.
package struct ChangeOrder: Hashable, Comparable, Sendable {
    package let stamp: WriteStamp
    package let sequence: Int64

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.stamp, lhs.sequence) < (rhs.stamp, rhs.sequence)
    }
}

extension Optional where Wrapped == WriteStamp {
    /// Whether a write whose base is `self` had already seen `stamp` when it was made.
    ///
    /// A base is the version of the value that a write replaced at its origin. Clocks only move
    /// forward, so a site that had seen `stamp` held a version at least that large.
    package func covers(_ stamp: WriteStamp) -> Bool {
        guard let base = self else { return false }
        return base >= stamp
    }
}
