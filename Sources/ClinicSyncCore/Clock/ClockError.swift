/// Why the clock refused a timestamp.
package enum ClockError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A peer's timestamp is further ahead of the local wall clock than the drift bound allows.
    case timestampTooFarAhead(origin: SiteID, aheadBy: Milliseconds, bound: Milliseconds)

    package var description: String {
        switch self {
        case let .timestampTooFarAhead(origin, aheadBy, bound):
            return "a change from site '\(origin)' is timestamped \(aheadBy) ahead of this site's clock "
                + "(the limit is \(bound)); check the clocks of both sites (NTP) — nothing was applied"
        }
    }
}
