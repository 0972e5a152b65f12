import Testing

@testable import ClinicSyncCore

@Suite("Plan years")
struct PlanYearStartTests {
    @Test("MM-DD: every day a year always has parses and prints back; anything else is refused naming the field")
    func parsing() throws {
        var accepted = 0
        for month in 0...13 {
            for day in 0...32 {
                let text = CalendarDate.pad(month, 2) + "-" + CalendarDate.pad(day, 2)
                let real = (1...12).contains(month) && (1...CalendarDate.daysIn(month: month, year: 2025)).contains(day)
                if real {
                    #expect(try PlanYearStart(text).description == text)
                    accepted += 1
                } else {
                    #expect(throws: ValidationError.self, "\(text)") { try PlanYearStart(text) }
                }
            }
        }
        #expect(accepted == 365)
        for bad in ["", "1-1", "01/01", "0101", "01-01-01", "+1-01", "01-1", "０１-０１", "ab-cd", " 01-01"] {
            #expect(throws: ValidationError(field: "plan_year_start", rule: "must be a month and day written MM-DD, e.g. 01-01")) {
                try PlanYearStart(bad)
            }
        }
        #expect(throws: ValidationError(field: "plan_year_start", rule: "must be a day every year has (MM-DD; not 02-29)")) {
            try PlanYearStart("02-29")
        }
    }

    @Test(
        "every date of 2023-2025, for every start: its plan year begins on the start, on or before it, and lasts a year"
    )
    func planYearsPartitionTime() throws {
        let first = try CalendarDate("2023-01-01", field: "d").daysSinceEpoch
        let last = try CalendarDate("2025-12-31", field: "d").daysSinceEpoch
        for month in 1...12 {
            for day in 1...CalendarDate.daysIn(month: month, year: 2025) {
                let start = PlanYearStart(month: month, day: day)
                for days in first...last {
                    let date = CalendarDate(daysSinceEpoch: days)
                    let year = start.planYear(containing: date)
                    #expect(year.first <= date && date <= year.last)
                    #expect(year.first.month == month && year.first.day == day)
                    let next = CalendarDate(daysSinceEpoch: year.last.daysSinceEpoch + 1)
                    #expect(next.month == month && next.day == day && next.year == year.first.year + 1)
                }
            }
        }
    }

    @Test("31 December and 1 January fall in different calendar plan years, in the same July one")
    func yearBoundary() throws {
        let december = try CalendarDate("2025-12-31", field: "d")
        let january = try CalendarDate("2026-01-01", field: "d")
        #expect(PlanYearStart.januaryFirst.planYear(containing: december).first.description == "2025-01-01")
        #expect(PlanYearStart.januaryFirst.planYear(containing: january).first.description == "2026-01-01")
        let july = try PlanYearStart("07-01")
        #expect(july.planYear(containing: december) == july.planYear(containing: january))
        #expect(july.planYear(containing: january).first.description == "2025-07-01")
        #expect(july.planYear(containing: january).last.description == "2026-06-30")
    }
}
