/// The day a health plan's benefit year begins (`MM-DD`, e.g. `01-01` or `07-01`): visit limits
/// counted per plan year restart on it.
package struct PlanYearStart: Hashable, Sendable, CustomStringConvertible {
    package let month: Int
    package let day: Int

    /// The default when the payer names none: the calendar year.
    package static let januaryFirst = PlanYearStart(month: 1, day: 1)

    /// Parses `MM-DD`. 29 February is refused: a plan year must begin every year.
    package init(_ text: String, field: String = "plan_year_start") throws(ValidationError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let month = Int(parts[0]), let day = Int(parts[1])
        else {
            throw ValidationError(field: field, rule: "must be a month and day written MM-DD, e.g. 01-01")
        }
        guard (1...12).contains(month), (1...CalendarDate.daysIn(month: month, year: 2025)).contains(day) else {
            throw ValidationError(field: field, rule: "must be a day every year has (MM-DD; not 02-29)")
        }
        self.init(month: month, day: day)
    }

    init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    /// The first day of the plan year `date` falls in: this start in `date`'s year if it is on or
    /// before `date`, else in the year before.
    package func planYear(containing date: CalendarDate) -> (first: CalendarDate, last: CalendarDate) {
        let year = (date.month, date.day) >= (month, day) ? date.year : date.year - 1
        let first = CalendarDate(year: year, month: month, day: day)
        let next = CalendarDate(year: year + 1, month: month, day: day)
        return (first, CalendarDate(daysSinceEpoch: next.daysSinceEpoch - 1))
    }

    package var description: String { "\(CalendarDate.pad(month, 2))-\(CalendarDate.pad(day, 2))" }
}
