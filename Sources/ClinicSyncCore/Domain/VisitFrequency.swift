/// How often a prescription allows visits: at most `count` per calendar week or month (issue 13).
///
/// Read from the spellings front desks write (`2x/week`, `2 per week`, `twice weekly`, `8/month`)
/// and stored in one canonical form (`2 per week`), so every site reads the same rule.
package struct VisitFrequency: Hashable, Sendable, CustomStringConvertible {
    package enum Period: String, CaseIterable, Sendable {
        case week
        case month

        /// The most visits a prescription may allow in one period.
        var maximum: Int { self == .week ? 14 : 62 }

        /// The first day of the calendar period holding `date`: its week's Monday, or its month's first day.
        package func first(containing date: CalendarDate) -> CalendarDate {
            switch self {
            case .week:
                // 1970-01-01 was a Thursday, three days after a Monday.
                let days = date.daysSinceEpoch
                return CalendarDate(daysSinceEpoch: days - ((days + 3) % 7 + 7) % 7)
            case .month:
                return CalendarDate(year: date.year, month: date.month, day: 1)
            }
        }

        /// How messages name the period beginning on `first`: `week of 2026-11-30`, `month 2026-12`.
        package func name(from first: CalendarDate) -> String {
            self == .week ? "week of \(first)" : "month " + first.description.prefix(7)
        }
    }

    package let count: Int
    package let period: Period

    /// The forms ``init(_:)`` accepts, for messages and `--help`.
    package static let acceptedForms =
        "N per week, Nx/week, N/week, Nx per week, N times per week, N times a week, once|twice|thrice weekly, once|twice|thrice a week, Nx weekly "
        + "(and the same with month and monthly), N a whole number from 1 to 14 a week or 1 to 62 a month"

    /// Parses a spelling; anything else is refused with the accepted forms.
    package init(_ text: String, field: String = "frequency") throws(ValidationError) {
        let refused = ValidationError(field: field, rule: "must be one of: \(Self.acceptedForms) (got \(text.count) characters)")
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        // `2x/week`, `2/week`, `2x/ week`: split the slash off into words of its own.
        words = words.flatMap { word -> [String] in
            word.split(separator: "/", omittingEmptySubsequences: false).enumerated().flatMap { index, part in
                index == 0 ? [String(part)] : ["/", String(part)]
            }
        }.filter { !$0.isEmpty }
        guard let last = words.last, let period = Self.period(last) else { throw refused }
        let head = Array(words.dropLast())
        let count: Int?
        switch head.count {
        case 1 where last.hasSuffix("ly"):
            count = Self.words[head[0]] ?? Self.number(head[0], suffixed: true)
        case 2 where !last.hasSuffix("ly"):
            // `2 per week`, `2x per week`, `2 / week`, `2x / week`, `twice a week`
            if head[1] == "a" {
                count = Self.words[head[0]]
            } else {
                count = ["per", "/"].contains(head[1]) ? Self.number(head[0], suffixed: false) ?? Self.number(head[0], suffixed: true) : nil
            }
        case 3 where !last.hasSuffix("ly"):
            // `2 times per week`, `2 times a week`
            count = head[1] == "times" && ["per", "a"].contains(head[2]) ? Self.number(head[0], suffixed: false) : nil
        default:
            count = nil
        }
        guard let count else { throw refused }
        guard (1...period.maximum).contains(count) else {
            throw ValidationError(field: field, rule: "must allow from 1 to \(period.maximum) visits per \(period.rawValue)")
        }
        self.count = count
        self.period = period
    }

    package init(count: Int, period: Period) {
        self.count = count
        self.period = period
    }

    /// The canonical form, as stored: `2 per week`.
    package var description: String { "\(count) per \(period.rawValue)" }

    private static let words = ["once": 1, "twice": 2, "thrice": 3]

    private static func period(_ word: String) -> Period? {
        switch word {
        case "week", "weekly": return .week
        case "month", "monthly": return .month
        default: return nil
        }
    }

    /// `2`, or with `suffixed` `2x`: one or two ASCII digits.
    private static func number(_ word: String, suffixed: Bool) -> Int? {
        guard !suffixed || word.hasSuffix("x") else { return nil }
        let digits = suffixed ? String(word.dropLast()) : word
        guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
