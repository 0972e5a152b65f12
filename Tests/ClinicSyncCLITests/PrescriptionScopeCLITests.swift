import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Frequencies, regions and letters of medical necessity through the CLI (table schema 3).
@Suite("clinicsync prescription scope, end to end")
struct PrescriptionScopeCLITests {
    static let visit = [
        "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "Sam", "--starts-at", "2026-11-27T09:30:00Z",
        "--minutes", "60",
    ]

    @Test("each accepted frequency spelling is stored as its rule; an update changes it or clears it")
    func frequencySpellings() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        for (spelling, stored) in [
            ("2x/week", "2 per week"), ("twice weekly", "2 per week"), ("8/month", "8 per month"), ("3 times a week", "3 per week"),
        ] {
            let id = try await cli.succeed(CLIRecordTests.prescriptionArguments + ["--frequency", spelling])
            #expect(try await cli.decode(PrescriptionView.self, ["prescription", "show", id, "--json"]).frequency == stored, "\(spelling)")
        }
        let id = try await cli.succeed(CLIRecordTests.prescriptionArguments)
        #expect(try await cli.succeed(["prescription", "show", id]).contains("no frequency limit"))
        try await cli.succeed(["prescription", "update", id, "--frequency", "once a month"])
        #expect(try await cli.sqlite3("SELECT frequency FROM prescriptions WHERE id = '\(id)';") == "1 per month\n")
        try await cli.succeed(["prescription", "update", id, "--frequency", ""])
        #expect(try await cli.sqlite3("SELECT frequency IS NULL FROM prescriptions WHERE id = '\(id)';") == "1\n")
    }

    @Test("a refused frequency lists the accepted forms and writes nothing, on add and on update")
    func frequencyRefused() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let id = try await cli.succeed(CLIRecordTests.prescriptionArguments)
        let before = try await cli.succeed(["changes", "--json"])
        for arguments in [
            CLIRecordTests.prescriptionArguments + ["--frequency", "2x/week for 6 weeks"], ["prescription", "update", id, "--frequency", "daily"],
            ["prescription", "update", id, "--frequency", "20/week"],
        ] {
            let refused = try await cli.run(arguments)
            #expect(refused.status == 64 && refused.stderr.contains("--frequency"), "\(refused.stderr)")
            #expect(refused.stderr.contains("N per week, Nx/week") && refused.stderr.contains("thrice weekly"), "\(refused.stderr)")
        }
        #expect(try await cli.succeed(["changes", "--json"]) == before)
    }

    @Test("regions are stored folded and sorted, replaced or cleared by update; a visit's region and the letter read back")
    func regionsAndLetter() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let id = try await cli.succeed(
            CLIRecordTests.prescriptionArguments + [
                "--region", "Left Ankle", "--body-region", "lower  back", "--region", "left ankle", "--lmn-received-on", "2026-11-05",
                "--lmn-reference", "scans/lmn-7.pdf",
            ])
        let shown = try await cli.decode(PrescriptionView.self, ["prescription", "show", id, "--json"])
        #expect(shown.bodyRegions == ["left ankle", "lower back"] && shown.lmnReceivedOn == "2026-11-05" && shown.lmnReference == "scans/lmn-7.pdf")
        #expect(try await cli.sqlite3("SELECT body_regions FROM prescriptions;") == "[\"left ankle\",\"lower back\"]\n")
        let text = try await cli.succeed(["prescription", "show", id])
        #expect(text.contains("left ankle, lower back") && text.contains("2026-11-05"), "\(text)")

        try await cli.succeed(["prescription", "update", id, "--region", "neck", "--lmn-received-on", "", "--lmn-reference", ""])
        let updated = try await cli.decode(PrescriptionView.self, ["prescription", "show", id, "--json"])
        #expect(updated.bodyRegions == ["neck"] && updated.lmnReceivedOn == nil && updated.lmnReference == nil)
        try await cli.succeed(["prescription", "update", id, "--any-region"])
        #expect(try await cli.succeed(["prescription", "show", id]).contains("body_regions       any"))
        #expect(try await cli.decode(PrescriptionView.self, ["prescription", "show", id, "--json"]).bodyRegions.isEmpty)
        #expect(try await cli.sqlite3("SELECT body_regions FROM prescriptions;") == "[]\n")

        let appointment = try await cli.succeed(Self.visit + ["--prescription", id, "--body-region", "  NECK "])
        #expect(try await cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).bodyRegion == "neck")
        try await cli.succeed(["appointment", "update", appointment, "--body-region", ""])
        #expect(try await cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).bodyRegion == nil)
    }

    @Test("a payer's requirement of the letter is recorded, shown and changed; a check recorded before schema 3 reads as not requiring it")
    func requiresLetter() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let add = CoverageCLITests.add + ["--covered", "yes"]
        let requiring = try await cli.succeed(add + ["--requires-lmn", "yes"])
        let plain = try await cli.succeed(add)
        #expect(try await cli.decode(CoverageCheckView.self, ["coverage", "show", requiring, "--json"]).requiresLMN)
        #expect(try await cli.decode(CoverageCheckView.self, ["coverage", "show", plain, "--json"]).requiresLMN == false)
        try await cli.succeed(["coverage", "update", plain, "--requires-lmn", "yes"])
        #expect(try await cli.succeed(["coverage", "show", plain]).contains("requires_lmn           yes"))
        _ = try await cli.sqlite3("UPDATE coverage_checks SET requires_lmn = NULL WHERE id = '\(plain)';")
        #expect(try await cli.decode(CoverageCheckView.self, ["coverage", "show", plain, "--json"]).requiresLMN == false)
    }
}
