import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Alerts only a merged view can raise, between real daemons: each site validated its own write,
/// and only after sync do both see what the two writes do together.
@Suite("Alerts across sites, end to end")
struct AlertsCLITests {
    static func prescription(_ cli: CLIHarness, visits: Int) async throws -> String {
        try await cli.succeed([
            "prescription", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--prescriber", "Dr Lee", "--npi", "1234567893",
            "--diagnosis", "Low back pain", "--icd10", "M54.50", "--visits", String(visits), "--units-per-visit", "4", "--issued-on",
            "2026-11-01", "--expires-on", "2030-12-31", "--payer", "Aetna", "--member-id", "W123",
        ])
    }

    static func book(
        _ site: SiteProcess, _ startsAt: String, patient: String = "p1", therapist: String = "Sam", prescription: String? = nil,
        extra: [String] = []
    ) async throws -> ChildProcess.Result {
        try await site.cli.run(
            [
                "appointment", "add", "--patient-id", patient, "--patient-name", "Jane Roe", "--therapist", therapist, "--starts-at", startsAt,
                "--minutes", "60",
            ] + (prescription.map { ["--prescription", $0] } ?? []) + extra)
    }

    static func alerts(_ site: SiteProcess, _ extra: [String] = []) async throws -> (text: String, list: AlertList) {
        let text = try await site.cli.succeed(["alerts", "--json"] + extra)
        return (text, try JSONDecoder().decode(AlertList.self, from: Data(text.utf8)))
    }

    @Test("two sites apart each book the last authorized visit; after sync both list one identical alert, acknowledged at one, hidden at both")
    func lastVisitBookedTwice() async throws {
        let sites = try await SiteProcess.line("downtown", "uptown", live: false)
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let rx = try await Self.prescription(downtown.cli, visits: 3)
        try await downtown.cli.succeed(["coverage", "add", "--patient-id", "p1", "--payer", "Aetna", "--member-id", "W123", "--covered", "yes"])
        for day in ["01", "02"] { #expect(try await Self.book(downtown, "2029-03-\(day)T15:00:00Z", prescription: rx).status == 0) }
        #expect(try await downtown.syncNow().status == 0)

        // Apart: each site books the third of three visits, and sees nothing wrong.
        let early = try await Self.book(uptown, "2029-03-04T15:00:00Z", therapist: "Kim", prescription: rx, extra: ["--site", "uptown"])
        let late = try await Self.book(downtown, "2029-03-05T15:00:00Z", prescription: rx)
        #expect(early.status == 0 && late.status == 0 && early.stderr.isEmpty && late.stderr.isEmpty, "\(early.stderr) \(late.stderr)")
        let lateID = late.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await Self.alerts(uptown).list.alerts.isEmpty)

        #expect(try await downtown.syncNow().status == 0)
        let (downtownText, downtownList) = try await Self.alerts(downtown)
        let (uptownText, _) = try await Self.alerts(uptown)
        #expect(downtownText == uptownText, "the same tables give the same alerts, byte for byte")
        let alert = try #require(downtownList.alerts.first)
        #expect(downtownList.alerts.count == 1 && alert.kind == "over_authorized" && alert.prescriptionID == rx && alert.patientID == "p1")
        #expect(alert.appointmentIDs == [lateID] && alert.sites == ["downtown"], "the booking beyond the limit is the later one")
        #expect(!downtownText.contains("Jane Roe"))
        #expect(try await Self.alerts(uptown, ["--patient", "p1"]).text == downtownText)
        #expect(try await Self.alerts(uptown, ["--patient", "p2"]).list.alerts.isEmpty)
        let status = try await uptown.status()
        #expect(status.openAlerts == ["over_authorized": 1])

        // Acknowledged at downtown: hidden at both after sync, listed with --all as acknowledged.
        let acknowledged = try await downtown.cli.decode(AcknowledgementView.self, ["alerts", "ack", alert.id, "--note", "payer called", "--json"])
        #expect(acknowledged.site == "downtown" && !acknowledged.alreadyAcknowledged && acknowledged.note == "payer called")
        #expect(try await Self.alerts(downtown).list.alerts.isEmpty)
        #expect(try await downtown.syncNow().status == 0)
        #expect(try await Self.alerts(uptown).list.alerts.isEmpty)
        let (allText, all) = try await Self.alerts(uptown, ["--all"])
        #expect(all.alerts.map(\.id) == [alert.id] && all.alerts.allSatisfy(\.acknowledged))
        #expect(try await Self.alerts(downtown, ["--all"]).text == allText)
        let again = try await uptown.cli.run(["alerts", "ack", alert.id])
        #expect(again.status == 0 && again.stdout.contains("acknowledged already, by"), "\(again.stdout)")

        // A further booking warns on stderr (and is written); --strict refuses it and writes nothing.
        let warned = try await Self.book(uptown, "2029-03-06T15:00:00Z", prescription: rx)
        #expect(warned.status == 0 && warned.stderr.contains("warning: this raises over_authorized-"), "\(warned.stderr)")
        let entries = try await uptown.changeCount()
        let refused = try await Self.book(uptown, "2029-03-07T15:00:00Z", prescription: rx, extra: ["--strict"])
        #expect(refused.status == 65 && refused.stderr.contains("with --strict nothing was written"), "\(refused.stderr)")
        #expect(try await uptown.changeCount() == entries)
        let alone = try await Self.book(uptown, "2029-03-08T09:00:00Z", patient: "p9", therapist: "Lee", extra: ["--strict"])
        #expect(alone.status == 0 && alone.stderr.isEmpty, "a booking that raises nothing is written under --strict: \(alone.stderr)")
        for site in sites { #expect(await site.stop() == 0) }
    }

    @Test("a therapist booked at overlapping times at two sites apart is double booked at both; cancelling one clears it everywhere")
    func therapistDoubleBooked() async throws {
        let sites = try await SiteProcess.line("downtown", "uptown", live: false)
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let first = try await Self.book(downtown, "2029-04-01T15:00:00Z", patient: "p1")
        let second = try await Self.book(uptown, "2029-04-01T15:30:00Z", patient: "p2", therapist: " sam", extra: ["--site", "uptown"])
        #expect(first.status == 0 && second.status == 0)
        #expect(try await downtown.syncNow().status == 0)
        let ids = [first.stdout, second.stdout].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        for site in sites {
            let double = try await Self.alerts(site, ["--kind", "therapist_double_booked"]).list.alerts
            #expect(double.count == 1 && double.first?.appointmentIDs == ids && double.first?.sites == ["downtown", "uptown"], "\(site.name)")
        }
        try await uptown.cli.succeed(["appointment", "update", ids[1], "--status", "cancelled"])
        #expect(try await uptown.syncNow().status == 0)
        for site in sites { #expect(try await Self.alerts(site, ["--kind", "therapist_double_booked"]).list.alerts.isEmpty, "\(site.name)") }
        for site in sites { #expect(await site.stop() == 0) }
    }

    @Test("the daemon exposes open alerts by kind on /metrics and logs a newly raised one once, by its ids only")
    func daemonReportsAlerts() async throws {
        let site = try await SiteProcess("downtown")
        try await site.configure(peers: [], extra: "alerts:\n  time_zone: America/New_York\n  expiry_warning_days: 30\n")
        try await site.start()
        #expect(try await site.waitForLog("open alerts"), "the watcher counts the open alerts at start: \(site.log())")
        let rx = try await Self.prescription(site.cli, visits: 1)
        for day in ["01", "02"] { _ = try await Self.book(site, "2029-05-\(day)T15:00:00Z", prescription: rx) }
        let alert = try #require(try await Self.alerts(site, ["--kind", "over_authorized"]).list.alerts.first)
        #expect(try await site.waitForLog(alert.id), "\(site.log())")
        let line = try #require(site.log().split(separator: "\n").first { $0.contains("alert raised") && $0.contains(alert.id) })
        #expect(line.contains("over_authorized") && line.contains(rx) && !line.contains("Jane Roe") && !line.contains("Low back"), "\(line)")
        var metrics = ""
        for _ in 0..<40 {
            metrics = try await LoopbackHTTP.get("http://127.0.0.1:\(site.metricsPort)/metrics")
            if metrics.contains(#"clinicsync_alerts_open{kind="over_authorized"} 1"#) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(metrics.contains(#"clinicsync_alerts_open{kind="over_authorized"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"clinicsync_alerts_open{kind="therapist_double_booked"} 0"#))
        try await Task.sleep(for: .seconds(6))
        #expect(site.log().components(separatedBy: alert.id).count == 2, "logged once, also after the watcher's next rounds")
        #expect(await site.stop() == 0)
    }

    @Test("a cancellation that shrinks an alert is not refused by --strict; a row outside the rules is left out, not fatal")
    func strictAndBadRows() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let rx = try await Self.prescription(cli, visits: 1)
        var booked: [String] = []
        for day in ["01", "02", "03"] {
            booked.append(
                try await cli.succeed([
                    "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "Sam", "--starts-at",
                    "2029-07-\(day)T15:00:00Z", "--minutes", "60", "--prescription", rx,
                ]))
        }
        let cancelled = try await cli.run(["appointment", "update", booked[0], "--status", "cancelled", "--strict"])
        #expect(cancelled.status == 0 && cancelled.stderr.isEmpty, "\(cancelled.stderr)")
        let moved = try await cli.run(["appointment", "update", booked[2], "--notes", "moved to the afternoon", "--strict"])
        #expect(moved.status == 0 && moved.stderr.isEmpty, "an edit that leaves its alert as it was raises nothing: \(moved.stderr)")
        // Another program writes minutes no rule allows; every command that reads alerts still answers.
        try await cli.sqlite3("UPDATE appointments SET minutes = -30 WHERE id = '\(booked[1])';")
        let listed = try await cli.run(["alerts", "--json"])
        #expect(listed.status == 0 && listed.stderr.contains("1 row(s) cannot be read yet"), "\(listed.stderr)")
        let list = try JSONDecoder().decode(AlertList.self, from: Data(listed.stdout.utf8))
        #expect(list.unreadableRows == 1 && list.alerts.allSatisfy { !$0.appointmentIDs.map(\.description).contains(booked[1]) })
        #expect(try await cli.run(["status"]).status == 0)
        #expect(try await cli.run(["prescription", "show", rx]).status == 0)
    }

    @Test("prescription show and patient show report usage across sites, hand counted")
    func usageReported() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let rx = try await Self.prescription(cli, visits: 8)
        try await cli.succeed([
            "coverage", "add", "--patient-id", "p1", "--payer", "aetna", "--member-id", "W", "--covered", "yes", "--visit-limit", "20",
        ])
        let visits: [(String, String, String)] = [
            ("completed", "downtown", "4"), ("completed", "uptown", "3"), ("completed", "eastside", "4"), ("checked_in", "downtown", "4"),
            ("scheduled", "uptown", "4"), ("scheduled", "eastside", "4"), ("no_show", "downtown", "4"), ("cancelled", "uptown", "4"),
            ("cancelled", "eastside", "4"), ("scheduled", "downtown", "2"),
        ]
        for (index, (status, site, units)) in visits.enumerated() {
            try await cli.succeed([
                "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "T\(index)", "--starts-at",
                "2029-06-\(10 + index)T15:00:00Z", "--minutes", "60", "--units", units, "--status", status, "--site", site, "--prescription", rx,
            ])
        }
        let shown = try await cli.decode(PrescriptionView.self, ["prescription", "show", rx, "--json"])
        let usage = try #require(shown.usage)
        #expect(usage.scheduled == 4 && usage.completed == 3 && usage.noShows == 1 && usage.cancelled == 2 && usage.remaining == 1)
        #expect(usage.unitsCompleted == 11 && usage.unitsAuthorized == 32 && usage.appointments.count == 10 && shown.visitsUsed == 7)
        #expect(Set(usage.appointments.map(\.site)) == ["downtown", "uptown", "eastside"])
        let patient = try await cli.decode(
            PatientView.self, ["patient", "show", "p1", "--json"],
            keys: ["alerts", "coverage", "patient_id", "prescriptions", "upcoming_appointments"])
        #expect(patient.prescriptions.map(\.id) == [rx] && patient.prescriptions.first?.usage == usage)
        #expect(patient.upcomingAppointments.count == 4, "scheduled and checked in, from now on")
        let coverage = try #require(patient.coverage.first)
        #expect(patient.coverage.count == 1 && coverage.check?.payer == "aetna" && coverage.visitLimit == 20)
        #expect(patient.alerts.isEmpty, "\(patient.alerts.map(\.message))")
        let text = try await cli.succeed(["prescription", "show", rx])
        #expect(text.contains("8 authorized: 4 scheduled, 3 completed, 1 no-shows, 2 cancelled, 1 remaining; 11 of 32 units completed"))
    }
}
