/// An origin whose changes a site cannot accept yet: it holds them back at the first one (its number
/// for the origin stays below it) while every other origin's changes keep flowing.
///
/// A change is held when its timestamp is further ahead of the receiving site's clock than the drift
/// bound allows (it applies by itself once the clock catches up, at a later session), or when it is
/// malformed (it never applies; the origin's site must be looked at).
package struct HeldOrigin: Hashable, Sendable, CustomStringConvertible {
    /// Why the change is held.
    package enum Reason: Hashable, Sendable {
        /// Timestamped `aheadBy` ahead of this site's clock; `bound` is the drift bound.
        case ahead(aheadBy: Milliseconds, bound: Milliseconds)
        /// It does not pass validation; the text names the rule, never patient data.
        case invalid(String)
    }

    /// The site that made the changes.
    package var origin: SiteID
    /// The origin's number of the first change held back.
    package var sequence: Int64
    package var reason: Reason

    /// Describes a held origin.
    package init(origin: SiteID, sequence: Int64, reason: Reason) {
        self.origin = origin
        self.sequence = sequence
        self.reason = reason
    }

    /// Whether it waits for the clock (it will apply by itself) rather than for a person.
    package var isClockSkew: Bool {
        if case .ahead = reason { return true }
        return false
    }

    package var description: String {
        switch reason {
        case let .ahead(aheadBy, bound):
            return "changes of site '\(origin)' are held from #\(sequence): timestamped \(aheadBy) ahead of this site's clock "
                + "(the limit is \(bound)); they apply by themselves once the clocks agree — check the clock of '\(origin)' (NTP)"
        case let .invalid(rule):
            return "changes of site '\(origin)' are held from #\(sequence): the change is invalid (\(rule)); "
                + "the other sites' changes still flow"
        }
    }
}
