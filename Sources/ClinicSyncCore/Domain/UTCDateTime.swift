/// A moment in time, written in ISO 8601 and always stored in UTC (`2026-11-26T14:30:00Z`).
public struct UTCDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int

    /// Parses `YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)` and converts an offset to UTC.
    public init(_ text: String, field: String) throws(ValidationError) {
        let failure = ValidationError(
            field: field, rule: "must be an ISO 8601 date-time with a zone, e.g. 2026-11-26T14:30:00Z or 2026-11-26T09:30:00-05:00")
        guard let tIndex = text.firstIndex(where: { $0 == "T" || $0 == " " }) else { throw failure }
        let date: CalendarDate
        do { date = try CalendarDate(String(text[..<tIndex]), field: field) } catch { throw failure }
        var rest = Substring(text[text.index(after: tIndex)...])
        var offsetSeconds = 0
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            rest = rest.dropLast()
        } else if rest.count > 6, let signIndex = rest.index(rest.endIndex, offsetBy: -6, limitedBy: rest.startIndex),
                  rest[signIndex] == "+" || rest[signIndex] == "-" {
            let zone = rest[rest.index(after: signIndex)...].split(separator: ":")
            guard zone.count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]),
                  zone[0].count == 2, zone[1].count == 2, hours <= 18, minutes < 60 else { throw failure }
            offsetSeconds = (hours * 3600 + minutes * 60) * (rest[signIndex] == "-" ? -1 : 1)
            rest = rest[..<signIndex]
        } else {
            throw failure
        }
        let clock = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(clock[0]), let minute = Int(clock[1]), hour < 24, minute < 60 else { throw failure }
        var second = 0
        if clock.count == 3 {
            guard let parsed = Int(clock[2]), parsed < 60 else { throw failure }
            second = parsed
        }
        secondsSinceEpoch = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    }

    /// A moment given as seconds since the Unix epoch.
    public init(secondsSinceEpoch: Int) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    /// The calendar date of this moment in UTC.
    public var date: CalendarDate {
        CalendarDate(daysSinceEpoch: Int((Double(secondsSinceEpoch) / 86_400).rounded(.down)))
    }

    /// The canonical form `YYYY-MM-DDTHH:MM:SSZ`, which sorts in time order.
    public var description: String {
        let secondOfDay = secondsSinceEpoch - date.daysSinceEpoch * 86_400
        let pad = CalendarDate.pad
        return "\(date)T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }
}
