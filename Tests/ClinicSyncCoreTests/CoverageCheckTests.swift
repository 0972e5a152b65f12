import Testing

@testable import ClinicSyncCore

@Suite("Coverage checks")
struct CoverageCheckTests {
    static func check(id: String = "00000000-0000-0000-0000-000000000001", on date: String = "2026-11-02") throws -> CoverageCheck {
        CoverageCheck(
            id: try RowID(id), patientID: "p1", payer: "Aetna", memberID: "W123", checkedOn: try CalendarDate(date, field: "checked_on"),
            checkedBy: "front desk", site: try SiteID("downtown"), covered: true, requiresPrescription: true)
    }

    @Test("a complete check is valid; each broken rule is refused naming its field")
    func validation() throws {
        try Self.check().validate()
        let cases: [(String, (inout CoverageCheck) throws -> Void)] = [
            ("patient_id", { $0.patientID = " " }), ("payer", { $0.payer = "" }), ("member_id", { $0.memberID = "" }),
            ("checked_by", { $0.checkedBy = "" }), ("reference_number", { $0.referenceNumber = "" }), ("rep_name", { $0.repName = " " }),
            ("visit_limit", { $0.visitLimit = 0 }), ("visit_limit", { $0.visitLimit = 1001 }),
            ("units_per_visit_limit", { $0.unitsPerVisitLimit = 0 }), ("units_per_visit_limit", { $0.unitsPerVisitLimit = 97 }),
            (
                "authorization_number",
                {
                    $0.visitLimitPeriod = .authorization
                    $0.visitLimit = 12
                }
            ),
            (
                "valid_until",
                {
                    $0.validFrom = try CalendarDate("2026-12-01", field: "valid_from")
                    $0.validUntil = try CalendarDate("2026-11-30", field: "valid_until")
                }
            ),
        ]
        for (field, breakIt) in cases {
            var check = try Self.check()
            try breakIt(&check)
            #expect(throws: ValidationError.self, "\(field)") { try check.validate() }
            do {
                try check.validate()
            } catch {
                #expect(error.field == field)
            }
        }
        var limited = try Self.check()
        (limited.visitLimit, limited.unitsPerVisitLimit, limited.visitLimitPeriod, limited.authorizationNumber) = (1000, 96, .authorization, "A1")
        try limited.validate()
    }

    @Test("validity: open ends apply always; a stated range includes both ends")
    func validity() throws {
        var check = try Self.check()
        let day = try CalendarDate("2026-12-15", field: "d")
        #expect(check.isValid(on: day))
        check.validFrom = day
        check.validUntil = day
        #expect(check.isValid(on: day))
        #expect(!check.isValid(on: CalendarDate(daysSinceEpoch: day.daysSinceEpoch - 1)))
        #expect(!check.isValid(on: CalendarDate(daysSinceEpoch: day.daysSinceEpoch + 1)))
    }

    @Test("the check in force is the same whatever order a site holds the checks in: newest call, then greatest id")
    func inForceIsOrderIndependent() throws {
        let checks = [
            try Self.check(id: "00000000-0000-0000-0000-000000000003", on: "2026-10-01"),
            try Self.check(id: "00000000-0000-0000-0000-000000000001", on: "2026-11-02"),
            try Self.check(id: "00000000-0000-0000-0000-000000000002", on: "2026-11-02"),
        ]
        for permutation in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let held = permutation.map { checks[$0] }
            let inForce = held.dropFirst().reduce(held[0]) { $1.supersedes($0) ? $1 : $0 }
            #expect(inForce.id.rawValue == "00000000-0000-0000-0000-000000000002")
        }
        for one in checks { for other in checks where one != other { #expect(one.supersedes(other) != other.supersedes(one)) } }
    }

    @Test("code and site sets are stored in one spelling: sorted, without duplicates")
    func canonicalLists() throws {
        let codes = [try ICD10Code("M79.1"), try ICD10Code("M54.50"), try ICD10Code("M79.1")]
        #expect(CoverageCheck.canonicalList(codes) == #"["M54.50","M79.1"]"#)
        #expect(CoverageCheck.canonicalList(codes.reversed()) == CoverageCheck.canonicalList(codes))
        #expect(CoverageCheck.canonicalList([SiteID]()) == "[]")
        #expect(CoverageCheck.canonicalList([try SiteID("uptown"), try SiteID("downtown")]) == #"["downtown","uptown"]"#)
    }
}
