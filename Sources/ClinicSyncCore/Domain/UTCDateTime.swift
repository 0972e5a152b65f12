/// A moment in time, written in ISO 8601 and always stored in UTC (`2026-11-26T14:30:00Z`).
package struct UTCDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    package let secondsSinceEpoch: Int

    /// Parses every spelling of an ISO 8601 / RFC 3339 date-time with a zone that SQLite's date
    /// functions also read: `YYYY-MM-DD(T|t| )HH:MM[:SS[.fraction]](Z|z|±HH:MM)`, converting an
    /// offset to UTC. A fraction of a second is accepted and dropped (times are kept to the second).
    ///
    /// Other programs write these columns too, so any valid spelling must read back: a stored value
    /// that only some spellings could parse would make its row impossible to update.
    package init(_ text: String, field: String) throws(ValidationError) {
        let failure = ValidationError(
            field: field, rule: "must be an ISO 8601 date-time with a zone, e.g. 2026-11-26T14:30:00Z or 2026-11-26T09:30:00-05:00")
        guard let tIndex = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) else { throw failure }
        let date: CalendarDate
        do { date = try CalendarDate(String(text[..<tIndex]), field: field) } catch { throw failure }
        var rest = Substring(text[text.index(after: tIndex)...])
        var offsetSeconds = 0
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            rest = rest.dropLast()
        } else if rest.count > 6, let signIndex = rest.index(rest.endIndex, offsetBy: -6, limitedBy: rest.startIndex),
            rest[signIndex] == "+" || rest[signIndex] == "-"
        {
            let zone = rest[rest.index(after: signIndex)...].split(separator: ":")
            guard zone.count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]),
                zone[0].count == 2, zone[1].count == 2, hours <= 18, minutes < 60
            else { throw failure }
            offsetSeconds = (hours * 3600 + minutes * 60) * (rest[signIndex] == "-" ? -1 : 1)
            rest = rest[..<signIndex]
        } else {
            throw failure
        }
        if let dot = rest.firstIndex(of: ".") {
            let fraction = rest[rest.index(after: dot)...]
            guard !fraction.isEmpty, fraction.utf8.allSatisfy({ (48...57).contains($0) }) else { throw failure }
            rest = rest[..<dot]
        }
        let clock = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3 || (clock.count == 2 && !text.contains(".")),
            clock.allSatisfy({ $0.count == 2 && $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), hour < 24, minute < 60
        else { throw failure }
        var second = 0
        if clock.count == 3 {
            guard let parsed = Int(clock[2]), parsed < 60 else { throw failure }
            second = parsed
        }
        secondsSinceEpoch = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    }

    /// A moment given as seconds since the Unix epoch.
    package init(secondsSinceEpoch: Int) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    /// The calendar date of this moment in UTC.
    package var date: CalendarDate {
        CalendarDate(daysSinceEpoch: Int((Double(secondsSinceEpoch) / 86_400).rounded(.down)))
    }

    /// The canonical form `YYYY-MM-DDTHH:MM:SSZ`, which sorts in time order.
    package var description: String {
        let secondOfDay = secondsSinceEpoch - date.daysSinceEpoch * 86_400
        let pad = CalendarDate.pad
        return "\(date)T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }
}
