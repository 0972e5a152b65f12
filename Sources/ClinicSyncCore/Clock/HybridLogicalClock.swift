/// A hybrid logical clock (Kulkarni et al.) as a value-type state machine.
///
/// It never reads the system clock: callers pass the wall-clock reading in, so the same code runs
/// under a real clock, a skewed test clock or a replayed schedule. Timestamps it issues are strictly
/// increasing even when the wall clock steps back, and always later than every timestamp it has
/// witnessed from other sites. Persist ``lastIssued`` after every change so a restart cannot reissue.
package struct HybridLogicalClock: Sendable, Equatable {
    /// The greatest timestamp issued or witnessed so far.
    package private(set) var lastIssued: HybridTimestamp

    /// How far ahead of the local wall clock a received timestamp may be before it is refused.
    package let maximumDrift: Milliseconds

    /// Restores a clock from its persisted state.
    package init(lastIssued: HybridTimestamp = .zero, maximumDrift: Milliseconds = .defaultMaximumDrift) {
        self.lastIssued = lastIssued
        self.maximumDrift = maximumDrift
    }

    /// Issues the next timestamp for a local write.
    package mutating func next(wallClock now: UInt64) -> HybridTimestamp {
        let physical = min(now, HybridTimestamp.maxMilliseconds)
        let issued: HybridTimestamp
        if physical > lastIssued.milliseconds {
            issued = HybridTimestamp(milliseconds: physical, counter: 0)
        } else if lastIssued.counter < HybridTimestamp.maxCounter {
            issued = HybridTimestamp(milliseconds: lastIssued.milliseconds, counter: lastIssued.counter + 1)
        } else {
            // 65,536 writes in one millisecond: borrow the next millisecond rather than repeat a value.
            issued = HybridTimestamp(milliseconds: lastIssued.milliseconds + 1, counter: 0)
        }
        lastIssued = issued
        return issued
    }

    /// Checks a timestamp received from `origin` against the drift bound without changing the clock.
    package func check(_ remote: HybridTimestamp, from origin: SiteID, wallClock now: UInt64) throws(ClockError) {
        if remote.milliseconds > now, remote.milliseconds - now > maximumDrift.value {
            throw .timestampTooFarAhead(
                origin: origin, aheadBy: Milliseconds(remote.milliseconds - now), bound: maximumDrift)
        }
    }

    /// Advances the clock past a timestamp received from `origin`, refusing it beyond the drift bound.
    package mutating func witness(_ remote: HybridTimestamp, from origin: SiteID, wallClock now: UInt64) throws(ClockError) {
        try check(remote, from: origin, wallClock: now)
        observe(remote)
    }

    /// Moves the clock past `stamp` without checking it against the wall clock: for a timestamp
    /// this clock's site issued itself (one of its changes coming back after a restore).
    package mutating func observe(_ stamp: HybridTimestamp) {
        if stamp > lastIssued { lastIssued = stamp }
    }
}

/// A duration in milliseconds.
package struct Milliseconds: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of milliseconds.
    package let value: UInt64

    /// Wraps a count of milliseconds.
    package init(_ value: UInt64) { self.value = value }

    /// Five minutes: the default bound on how far ahead a peer's clock may run.
    package static let defaultMaximumDrift = Milliseconds(5 * 60 * 1000)

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    /// Human form, e.g. `5m 0s` or `850ms`.
    package var description: String {
        if value < 1000 { return "\(value)ms" }
        let seconds = value / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(seconds % 60)s" }
        return "\(seconds / 3600)h \(seconds % 3600 / 60)m"
    }
}
