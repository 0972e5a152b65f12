import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Findings of a hostile read of issue 13's first version, each held by a test.
@Suite("Prescription scope: what a first review found")
struct PrescriptionScopeReviewTests {
    static func book(_ cli: CLIHarness, _ startsAt: String, _ rx: String, _ extra: [String] = []) async throws -> ChildProcess.Result {
        try await cli.run(
            [
                "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "Sam", "--starts-at", startsAt,
                "--minutes", "60", "--prescription", rx,
            ] + extra)
    }

    @Test("a visit booked, or moved, earlier in a full week warns and --strict refuses, though the alert names a later visit")
    func backFilledWeek() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        try await cli.succeed(["coverage", "add", "--patient-id", "p1", "--payer", "Aetna", "--member-id", "W123", "--covered", "yes"])
        let rx = try await PrescriptionScopeAlertsTests.prescription(cli, ["--frequency", "2x/week"])
        // Wednesday and Friday of the week of Monday 5 March 2029, and a visit the week after.
        for day in ["07", "09", "13"] { #expect(try await Self.book(cli, "2029-03-\(day)T15:00:00Z", rx).stderr.isEmpty) }
        let before = try await cli.succeed(["changes", "--json"])
        let refused = try await Self.book(cli, "2029-03-05T15:00:00Z", rx, ["--strict"])
        #expect(refused.status == 65 && refused.stderr.contains("over_frequency"), "\(refused.stderr)")
        #expect(try await cli.succeed(["changes", "--json"]) == before)
        let warned = try await Self.book(cli, "2029-03-05T15:00:00Z", rx)
        #expect(warned.status == 0 && warned.stderr.contains("warning: this raises over_frequency-"), "\(warned.stderr)")
        // Rescheduling Monday's visit to Saturday keeps three that week, though the alert now names it
        // as the latest: nothing new, even under --strict.
        let monday = warned.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let rescheduled = try await cli.run(["appointment", "update", monday, "--starts-at", "2029-03-10T15:00:00Z", "--strict"])
        #expect(rescheduled.status == 0 && rescheduled.stderr.isEmpty, "\(rescheduled.stderr)")

        // Moving next week's visit into this week warns too; cancelling one of this week's does not.
        let list = try await cli.decode([AppointmentView].self, ["appointment", "list", "--json"])
        let nextWeek = try #require(list.first { $0.startsAt == "2029-03-13T15:00:00Z" }?.id)
        let moved = try await cli.run(["appointment", "update", nextWeek, "--starts-at", "2029-03-06T15:00:00Z", "--strict"])
        #expect(moved.status == 65 && moved.stderr.contains("over_frequency"), "\(moved.stderr)")
        let friday = try #require(list.first { $0.startsAt == "2029-03-09T15:00:00Z" }?.id)
        let cancelled = try await cli.run(["appointment", "update", friday, "--status", "cancelled", "--strict"])
        #expect(cancelled.status == 0 && cancelled.stderr.isEmpty, "\(cancelled.stderr)")
    }

    @Test("changing a visit from one unlisted region to another raises a new alert, so it warns again and --strict refuses")
    func anotherUnlistedRegion() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let rx = try await PrescriptionScopeAlertsTests.prescription(cli, ["--region", "left ankle"])
        let knee = try await Self.book(cli, "2029-03-05T15:00:00Z", rx, ["--body-region", "left knee"])
        #expect(knee.stderr.contains("outside_prescribed_region"), "\(knee.stderr)")
        let id = knee.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let alert = try #require(try await cli.decode(AlertList.self, ["alerts", "--kind", "outside_prescribed_region", "--json"]).alerts.first)
        try await cli.succeed(["alerts", "ack", alert.id])
        let hip = try await cli.run(["appointment", "update", id, "--body-region", "left hip", "--strict"])
        #expect(hip.status == 65 && hip.stderr.contains("treats left hip"), "\(hip.stderr)")
        let notes = try await cli.run(["appointment", "update", id, "--notes", "ice after", "--strict"])
        #expect(notes.status == 0 && notes.stderr.isEmpty, "an edit that leaves the alert as it was raises nothing: \(notes.stderr)")
    }

    @Test("moving a double-booked visit into another therapist clash is a new double booking: --strict refuses it")
    func anotherClash() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        func book(_ patient: String, _ startsAt: String) async throws -> String {
            try await cli.succeed([
                "appointment", "add", "--patient-id", patient, "--patient-name", "P", "--therapist", "Sam", "--starts-at", startsAt,
                "--minutes", "60",
            ])
        }
        let moving = try await book("p1", "2029-03-05T09:00:00Z")
        _ = try await book("p2", "2029-03-05T09:30:00Z")
        _ = try await book("p3", "2029-03-05T14:00:00Z")
        let same = try await cli.run(["appointment", "update", moving, "--notes", "x", "--strict"])
        #expect(same.status == 0 && same.stderr.isEmpty, "\(same.stderr)")
        let moved = try await cli.run(["appointment", "update", moving, "--starts-at", "2029-03-05T14:15:00Z", "--strict"])
        #expect(moved.status == 65 && moved.stderr.contains("therapist_double_booked"), "\(moved.stderr)")
    }

    @Test("frequency text from before: a spelling the rule reads is shown as the rule; other text is kept, shown as such, and clearable")
    func legacyText() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let readable = try await cli.succeed(CLIRecordTests.prescriptionArguments)
        let other = try await cli.succeed(CLIRecordTests.prescriptionArguments)
        try await cli.sqlite3(
            """
            UPDATE prescriptions SET frequency = '2X / Week' WHERE id = '\(readable)';
            UPDATE prescriptions SET frequency = 'as tolerated', body_region = 'L ankle + low back' WHERE id = '\(other)';
            """)
        let rule = try await cli.decode(PrescriptionView.self, ["prescription", "show", readable, "--json"])
        #expect(rule.frequency == "2X / Week" && rule.frequencyRule == "2 per week" && rule.usage?.frequency?.rule == "2 per week")
        let text = try await cli.decode(PrescriptionView.self, ["prescription", "show", other, "--json"])
        #expect(text.frequency == "as tolerated" && text.frequencyRule == nil && text.usage?.frequency == nil)
        let shown = try await cli.succeed(["prescription", "show", other])
        #expect(shown.contains("is not a rule ClinicSync can check") && shown.contains("free text from before regions were checked"), "\(shown)")
        try await cli.succeed(["prescription", "update", other, "--clear-legacy-body-region", "--region", "left ankle", "--region", "lower back"])
        let cleaned = try await cli.decode(PrescriptionView.self, ["prescription", "show", other, "--json"])
        #expect(cleaned.bodyRegion == nil && cleaned.bodyRegions == ["left ankle", "lower back"] && cleaned.frequency == "as tolerated")
    }

    @Test("a region given as a conflict's new value must have the form --body-region takes")
    func conflictValueChecked() async throws {
        let sites = try await SiteProcess.line("downtown", "uptown", live: false)
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let appointment = try await downtown.addAppointment()
        #expect(try await downtown.syncNow().status == 0)
        try await downtown.cli.succeed(["appointment", "update", appointment, "--body-region", "neck"])
        try await uptown.cli.succeed(["appointment", "update", appointment, "--body-region", "upper back"])
        #expect(try await downtown.syncNow().status == 0)
        let entry = try #require(try await downtown.cli.decode([ConflictView].self, ["conflicts", "--json"]).first { $0.column == "body_region" })
        let before = try await downtown.changeCount()
        let refused = try await downtown.cli.run(["conflicts", "resolve", entry.id, "--value", "neck; upper back"])
        #expect(refused.status == 65 && refused.stderr.contains("body_region"), "\(refused.stderr)")
        #expect(try await downtown.changeCount() == before)
        try await downtown.cli.succeed(["conflicts", "resolve", entry.id, "--value", "  Neck "])
        let stored = try await downtown.cli.sqlite3("SELECT body_region FROM appointments WHERE id = '\(appointment)';")
        #expect(stored == "neck\n", "stored as --body-region stores it: \(stored)")
        for site in sites { #expect(await site.stop() == 0) }
    }
}
