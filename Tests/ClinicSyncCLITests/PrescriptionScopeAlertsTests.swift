import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// What a prescription allows, checked on the merged tables of real daemons: each site validated
/// its own booking, and only after sync do both see what the bookings do together.
@Suite("Frequency, region and letter alerts across sites, end to end")
struct PrescriptionScopeAlertsTests {
    static func prescription(_ cli: CLIHarness, _ extra: [String]) async throws -> String {
        try await cli.succeed(
            [
                "prescription", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--prescriber", "Dr Lee", "--npi", "1234567893",
                "--diagnosis", "Ankle sprain", "--icd10", "S93.401A", "--visits", "30", "--issued-on", "2026-11-01", "--expires-on", "2030-12-31",
                "--payer", "Aetna", "--member-id", "W123",
            ] + extra)
    }

    static func kind(_ site: SiteProcess, _ kind: String) async throws -> (text: String, alerts: [AlertView]) {
        try await AlertsCLITests.alerts(site, ["--kind", kind]).text.withDecoded()
    }

    static func id(_ result: ChildProcess.Result) -> String { result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    @Test("2x/week: two sites apart each book a visit the week still allows; after sync both list one over_frequency alert, cleared by a cancel")
    func overFrequencyAcrossSites() async throws {
        let sites = try await SiteProcess.line("downtown", "uptown", live: false)
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let rx = try await Self.prescription(downtown.cli, ["--frequency", "2x/week"])
        try await downtown.cli.succeed(["coverage", "add", "--patient-id", "p1", "--payer", "Aetna", "--member-id", "W123", "--covered", "yes"])
        // Monday 5 March 2029, synced; the week runs to Sunday the 11th.
        #expect(try await AlertsCLITests.book(downtown, "2029-03-05T15:00:00Z", prescription: rx).status == 0)
        #expect(try await downtown.syncNow().status == 0)

        // Apart, each books the week's second visit: within the rule at each site, so no warning.
        let early = try await AlertsCLITests.book(uptown, "2029-03-08T15:00:00Z", therapist: "Kim", prescription: rx, extra: ["--site", "uptown"])
        let late = try await AlertsCLITests.book(downtown, "2029-03-09T15:00:00Z", prescription: rx)
        #expect(early.status == 0 && late.status == 0 && early.stderr.isEmpty && late.stderr.isEmpty, "\(early.stderr) \(late.stderr)")
        #expect(try await Self.kind(uptown, "over_frequency").alerts.isEmpty)

        #expect(try await downtown.syncNow().status == 0)
        let (downtownText, found) = try await Self.kind(downtown, "over_frequency")
        #expect(try await Self.kind(uptown, "over_frequency").text == downtownText, "the same tables give the same alert, byte for byte")
        let alert = try #require(found.first)
        #expect(found.count == 1 && alert.appointmentIDs == [Self.id(late)] && alert.prescriptionID == rx && alert.sites == ["downtown"])
        #expect(alert.message.contains("allows 2 per week; 3 visits are booked or done in the week of 2029-03-05"), "\(alert.message)")

        // A third booking that week warns at once; --strict refuses it and writes nothing.
        let warned = try await AlertsCLITests.book(uptown, "2029-03-10T15:00:00Z", therapist: "Kim", prescription: rx, extra: ["--strict"])
        #expect(warned.status == 65 && warned.stderr.contains("over_frequency"), "\(warned.stderr)")

        // Cancelling the early visit at uptown leaves two that week: clear at both after sync.
        try await uptown.cli.succeed(["appointment", "update", Self.id(early), "--status", "cancelled"])
        #expect(try await uptown.syncNow().status == 0)
        for site in sites { #expect(try await Self.kind(site, "over_frequency").alerts.isEmpty, "\(site.name)") }
        for site in sites { #expect(await site.stop() == 0) }
    }

    @Test("lower back under a left-ankle prescription: outside_prescribed_region at both sites, until an update of the regions clears it everywhere")
    func outsideRegionAcrossSites() async throws {
        let sites = try await SiteProcess.line("downtown", "uptown", live: false)
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let rx = try await Self.prescription(downtown.cli, ["--region", "left ankle"])
        #expect(try await downtown.syncNow().status == 0)
        let booked = try await AlertsCLITests.book(
            uptown, "2029-03-05T15:00:00Z", prescription: rx, extra: ["--site", "uptown", "--body-region", "Lower Back"])
        #expect(booked.status == 0 && booked.stderr.contains("warning: this raises outside_prescribed_region-"), "\(booked.stderr)")
        #expect(try await uptown.syncNow().status == 0)
        for site in sites {
            let found = try await Self.kind(site, "outside_prescribed_region").alerts
            #expect(found.map(\.appointmentIDs) == [[Self.id(booked)]], "\(site.name)")
            #expect(found.first?.message.contains("treats lower back, which prescription \(rx) does not list (left ankle)") == true)
        }
        // The doctor widens the prescription; entered at downtown, it clears the alert at both.
        try await downtown.cli.succeed(["prescription", "update", rx, "--region", "left ankle", "--region", "lower back"])
        #expect(try await downtown.syncNow().status == 0)
        for site in sites { #expect(try await Self.kind(site, "outside_prescribed_region").alerts.isEmpty, "\(site.name)") }
        let strict = try await AlertsCLITests.book(downtown, "2029-03-06T15:00:00Z", prescription: rx, extra: ["--body-region", "neck", "--strict"])
        #expect(strict.status == 65 && strict.stderr.contains("outside_prescribed_region"), "\(strict.stderr)")
        for site in sites { #expect(await site.stop() == 0) }
    }

    @Test("a payer requiring the letter: visits before lmn_received_on are named, visits on or after it are not; shows tell the letter's state")
    func missingLetter() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let check = try await cli.succeed(
            ["coverage", "add", "--patient-id", "p1", "--payer", "Aetna", "--member-id", "W123", "--covered", "yes", "--requires-lmn", "yes"])
        let rx = try await Self.prescription(cli, ["--frequency", "twice weekly", "--region", "left ankle"])
        func book(_ startsAt: String) async throws -> String {
            try await cli.succeed([
                "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "Sam", "--starts-at", startsAt,
                "--minutes", "60", "--prescription", rx, "--body-region", "left ankle",
            ])
        }
        let before = try await book("2029-03-05T15:00:00Z")
        let letters = { () async throws -> [AlertView] in
            try await cli.decode(AlertList.self, ["alerts", "--kind", "missing_medical_necessity_letter", "--json"]).alerts
        }
        #expect(try await letters().map(\.appointmentIDs) == [[before]])
        var shown = try await cli.succeed(["prescription", "show", rx])
        #expect(shown.contains("letter of medical necessity REQUIRED (coverage check \(check)), not received"), "\(shown)")

        try await cli.succeed(["prescription", "update", rx, "--lmn-received-on", "2029-03-07", "--lmn-reference", "scans/lmn-p1.pdf"])
        let onTheDay = try await book("2029-03-07T09:00:00Z")
        let after = try await book("2029-03-08T15:00:00Z")
        let named = try await letters()
        #expect(named.map(\.appointmentIDs) == [[before]], "visits on or after the day the letter arrived are fine: \(onTheDay), \(after)")
        #expect(named.first?.message.contains("the letter arrived on 2029-03-07, after") == true)

        let view = try await cli.decode(PrescriptionView.self, ["prescription", "show", rx, "--json"])
        let usage = try #require(view.usage)
        #expect(usage.letter.receivedOn == "2029-03-07" && usage.letter.requiredBy == check && view.bodyRegions == ["left ankle"])
        #expect(usage.frequency?.rule == "2 per week")
        shown = try await cli.succeed(["prescription", "show", rx])
        #expect(shown.contains("at most 2 per week:") && shown.contains("letter of medical necessity received 2029-03-07"), "\(shown)")
        let patient = try await cli.succeed(["patient", "show", "p1"])
        #expect(patient.contains("at most 2 per week") && patient.contains("regions left ankle"), "\(patient)")
        #expect(patient.contains("letter of medical necessity received 2029-03-07 (required by coverage check \(check))"), "\(patient)")
    }
}

extension String {
    /// The text of `alerts --json` with its decoded alerts.
    fileprivate func withDecoded() throws -> (text: String, alerts: [AlertView]) {
        (self, try JSONDecoder().decode(AlertList.self, from: Data(utf8)).alerts)
    }
}
