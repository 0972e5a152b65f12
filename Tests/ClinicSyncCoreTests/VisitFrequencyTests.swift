import Testing

@testable import ClinicSyncCore

@Suite("Prescribed visit frequency")
struct VisitFrequencyTests {
    static let accepted: [(String, String)] = [
        ("2x/week", "2 per week"), ("2/week", "2 per week"), ("2 per week", "2 per week"), ("2x per week", "2 per week"),
        ("2 times per week", "2 per week"), ("2 times a week", "2 per week"), ("twice weekly", "2 per week"), ("once weekly", "1 per week"),
        ("thrice weekly", "3 per week"), ("3x weekly", "3 per week"), ("8/month", "8 per month"), ("8x/month", "8 per month"),
        ("8 per month", "8 per month"), ("twice monthly", "2 per month"), ("12 times a month", "12 per month"), ("  2X / Week ", "2 per week"),
        ("14/week", "14 per week"), ("62/month", "62 per month"), ("2 / week", "2 per week"), ("twice a week", "2 per week"),
        ("once a month", "1 per month"),
    ]

    static let refused = [
        "", "2", "week", "2x", "2x/fortnight", "2 per day", "two per week", "2x/week for 6 weeks", "0/week", "15/week", "63/month",
        "-1/week", "2.5/week", "2 weekly", "twice week", "2x/weekly", "2 per weekly", "2 times week", "100/month", "2//week", "2x/week/month",
        "2 x week", "twice per week", "2 a week",
    ]

    @Test("every accepted spelling reads as its canonical rule, and the canonical form reads back as itself")
    func acceptedSpellings() throws {
        for (spelling, canonical) in Self.accepted {
            let frequency = try VisitFrequency(spelling)
            #expect(frequency.description == canonical, "\(spelling)")
            #expect(try VisitFrequency(frequency.description) == frequency)
        }
    }

    @Test("anything else is refused, naming the field and listing the accepted forms (or the range)")
    func refusedSpellings() {
        for spelling in Self.refused {
            do {
                let parsed = try VisitFrequency(spelling)
                Issue.record("\(spelling) was read as \(parsed)")
            } catch {
                #expect(error.field == "frequency")
                #expect(error.rule.contains("N per week") || error.rule.contains("visits per"), "\(spelling): \(error.rule)")
                if spelling.contains("6 weeks") { #expect(!error.rule.contains("6 weeks"), "the message does not echo the input") }
            }
        }
    }

    @Test("every count in range and period reads back from each numeric form")
    func exhaustiveCounts() throws {
        for period in VisitFrequency.Period.allCases {
            for count in 1...(period == .week ? 14 : 62) {
                let expected = VisitFrequency(count: count, period: period)
                for form in [
                    "\(count)x/\(period)", "\(count)/\(period)", "\(count) per \(period)", "\(count) times a \(period)", "\(count)x \(period)ly",
                ] {
                    #expect(try VisitFrequency(form) == expected, "\(form)")
                }
            }
        }
    }
}
