/// A hybrid-logical-clock timestamp: wall-clock milliseconds plus a logical counter.
///
/// Packed into one `Int64` (milliseconds in the high 47 bits, the counter in the low 16) so that
/// SQLite compares timestamps as plain integers and an index orders them for free.
package struct HybridTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The packed representation stored in the database and sent on the wire.
    package let rawValue: Int64

    /// Bits given to the logical counter.
    package static let counterBits: Int64 = 16
    /// The largest logical counter before the clock borrows a millisecond.
    package static let maxCounter: UInt16 = .max
    /// The largest physical time a timestamp can hold (about the year 6400).
    package static let maxMilliseconds: UInt64 = UInt64(Int64.max >> counterBits)

    /// The timestamp below every real one; used as "nothing seen yet".
    package static let zero = HybridTimestamp(unchecked: 0)

    /// Wraps a packed value read from storage or the wire. Negative values are not timestamps.
    package init?(rawValue: Int64) {
        guard rawValue >= 0 else { return nil }
        self.rawValue = rawValue
    }

    private init(checkedRawValue: Int64) {
        self.rawValue = checkedRawValue
    }

    /// Builds a timestamp from its parts; `milliseconds` must not exceed ``maxMilliseconds``.
    package init(milliseconds: UInt64, counter: UInt16) {
        precondition(milliseconds <= Self.maxMilliseconds, "timestamp beyond the year 6400")
        self.init(checkedRawValue: Int64(milliseconds) << Self.counterBits | Int64(counter))
    }

    /// Milliseconds since the Unix epoch, UTC.
    package var milliseconds: UInt64 { UInt64(rawValue >> Self.counterBits) }

    /// The logical counter that orders events within one millisecond.
    package var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `milliseconds.counter`, e.g. `1764157407123.0004`; sorts like the timestamp for equal widths.
    package var description: String {
        let counterText = String(counter)
        return "\(milliseconds)." + String(repeating: "0", count: max(0, 4 - counterText.count)) + counterText
    }
}

extension HybridTimestamp {
    // `init(rawValue:)` is failable for untrusted input; internal callers already hold a valid value.
    init(unchecked rawValue: Int64) {
        self.init(checkedRawValue: rawValue)
    }
}
