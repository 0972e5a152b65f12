import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("clinicsync coverage, end to end")
struct CoverageCLITests {
    static let add = ["coverage", "add", "--patient-id", "p1", "--payer", "Aetna", "--member-id", "W123"]
    static let everyKey = [
        "authorization_number", "checked_by", "checked_on", "covered", "id", "in_force", "in_network_sites", "member_id", "notes", "patient_id",
        "payer", "plan_year_start", "qualifying_icd10", "reference_number", "rep_name", "requires_lmn", "requires_prescription", "site",
        "units_per_visit_limit",
        "valid_from", "valid_until", "visit_limit", "visit_limit_period",
    ]

    @Test("a check goes through add, show, list, update and delete; the newest call of a patient and payer is the one in force")
    func lifecycle() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let first = try await cli.succeed(
            Self.add + [
                "--checked-on", "2026-11-02", "--checked-by", "Kim", "--reference", "REF-1", "--rep", "Pat", "--covered", "yes",
                "--requires-prescription", "no", "--icd10", "m79.1", "--icd10", "M54.50", "--icd10", "M79.1", "--visit-limit", "12",
                "--visit-limit-period", "authorization", "--authorization", "AUTH-9", "--plan-year-start", "07-01", "--units-per-visit-limit", "4",
                "--valid-from", "2026-11-01", "--valid-until", "2027-06-30", "--in-network", "uptown", "--in-network", "downtown", "--notes", "n",
            ])
        let shown = try await cli.decode(CoverageCheckView.self, ["coverage", "show", first, "--json"], keys: Self.everyKey)
        #expect(shown.qualifyingICD10 == ["M54.50", "M79.1"] && shown.inNetworkSites == ["downtown", "uptown"])
        #expect(shown.covered == true && shown.requiresPrescription == false && shown.site == "downtown" && shown.checkedBy == "Kim")
        #expect(shown.visitLimit == 12 && shown.visitLimitPeriod == "authorization" && shown.planYearStart == "07-01" && shown.inForce)
        // The stored sets are canonical: sorted, without duplicates, compact.
        #expect(try await cli.sqlite3("SELECT qualifying_icd10, covered FROM coverage_checks;") == "[\"M54.50\",\"M79.1\"]|1\n")

        // A later call supersedes it; a call for another payer does not; defaults fill the rest.
        let second = try await cli.succeed(Self.add + ["--checked-on", "2026-11-20", "--covered", "no"])
        let otherPayer = try await cli.succeed(["coverage", "add", "--patient-id", "p1", "--payer", "Cigna", "--member-id", "C1", "--covered", "yes"])
        try await cli.succeed(["coverage", "add", "--patient-id", "p2", "--payer", "Aetna", "--member-id", "W9", "--covered", "yes"])
        let mine = try await cli.decode([CoverageCheckView].self, ["coverage", "list", "--patient-id", "p1", "--json"])
        #expect(mine.map(\.id) == [second, first, otherPayer])
        #expect(mine.map(\.inForce) == [true, false, true])
        let defaults = try #require(mine.first)
        #expect(defaults.requiresPrescription == true && defaults.visitLimit == nil && defaults.visitLimitPeriod == "plan_year")
        #expect(defaults.planYearStart == "01-01" && defaults.qualifyingICD10.isEmpty && defaults.inNetworkSites.isEmpty)
        #expect(defaults.checkedBy?.isEmpty == false, "checked_by defaults to the user running the command")
        #expect(try await cli.decode([CoverageCheckView].self, ["coverage", "list", "--json"]).count == 4)

        let updated = try await cli.decode(
            CoverageCheckView.self,
            ["coverage", "update", first, "--any-icd10", "--every-site", "--valid-until", "", "--units-per-visit-limit", "0", "--json"])
        #expect(updated.qualifyingICD10.isEmpty && updated.inNetworkSites.isEmpty && updated.validUntil == nil && updated.unitsPerVisitLimit == nil)
        #expect(updated.visitLimit == 12 && !updated.inForce)
        let changes = try await cli.decode([ChangeView].self, ["changes", "--since", "4", "--json"])
        #expect(
            changes.compactMap { $0.values.map { $0.keys.sorted() } }
                == [["in_network_sites", "qualifying_icd10", "units_per_visit_limit", "valid_until"]], "only the changed fields are written")

        try await cli.succeed(["coverage", "delete", second])
        #expect(try await cli.run(["coverage", "show", second]).status == 66)
        let gone = try await cli.run(["coverage", "update", second, "--notes", "x"])
        #expect(gone.status == 65 && gone.stderr.contains("coverage check \(second) was deleted"), "\(gone.stderr)")
        let deleted = try await cli.decode([DeletedRowView].self, ["deleted", "list", "--json"])
        #expect(deleted.map(\.table) == ["coverage_checks"] && deleted.map(\.id) == [second])
        #expect(try await cli.decode([CoverageCheckView].self, ["coverage", "list", "--patient-id", "p1", "--json"]).map(\.inForce) == [true, true])
        #expect(try await cli.decode(CheckResult.self, ["check", "--json"]).ok)
    }

    @Test("a check recorded at one site reaches the others, and a correction made there comes back")
    func syncs() async throws {
        let sites = try await SiteProcess.line("downtown", "uptown")
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let id = try await downtown.cli.succeed(Self.add + ["--covered", "yes", "--visit-limit", "20", "--in-network", "uptown"])
        _ = try await uptown.syncNow()
        let arrived = try await uptown.cli.decode(CoverageCheckView.self, ["coverage", "show", id, "--json"])
        #expect(arrived.site == "downtown" && arrived.visitLimit == 20 && arrived.inNetworkSites == ["uptown"])
        try await uptown.cli.succeed(["coverage", "update", id, "--visit-limit", "8"])
        _ = try await downtown.syncNow()
        #expect(try await downtown.cli.decode(CoverageCheckView.self, ["coverage", "show", id, "--json"]).visitLimit == 8)
    }
}
