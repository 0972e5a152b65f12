import ClinicSyncTestSupport
import Foundation
import Testing

/// The tests decode the CLI's JSON with the application layer's output models, which read the same
/// keys they write: a renamed key would pass them all. Scripts and monitoring read these keys, so
/// this test holds each output to the names it has always printed.
@Suite("The CLI's JSON keys are a contract")
struct CLIJSONContractTests {
    /// The keys of an object, or of an array's first element.
    static func keys(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let value = try JSONSerialization.jsonObject(with: Data(output.utf8))
        let object = try #require(((value as? [Any])?.first ?? value) as? [String: Any], "\(output)", sourceLocation: sourceLocation)
        return object.keys.sorted()
    }

    @Test("records, changes, deleted rows, status, identity and the maintenance commands print today's keys")
    func recordsAndMaintenance() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        #expect(
            try await Self.keys(cli.succeed(["init", "--json"]))
                == ["created", "database", "fingerprint", "identity_created", "schema_version", "site_id"])
        let prescription = try await cli.succeed(CLIRecordTests.prescriptionArguments + ["--frequency", "2x/week", "--notes", "n"])
        let appointment = try await cli.succeed([
            "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "Sam", "--starts-at",
            "2026-11-27T09:30:00Z", "--minutes", "60", "--prescription", prescription, "--notes", "n", "--body-region", "neck",
        ])
        #expect(
            try await Self.keys(cli.succeed(["appointment", "show", appointment, "--json"]))
                == [
                    "body_region", "id", "minutes", "notes", "patient_id", "patient_name", "prescription_id", "site", "starts_at", "status",
                    "therapist",
                    "units",
                ])
        #expect(
            try await Self.keys(cli.succeed(["prescription", "list", "--json"]))
                == [
                    "body_regions", "diagnosis", "expires_on", "frequency", "frequency_rule", "icd10_codes", "id", "issued_on", "member_id", "notes",
                    "patient_id", "patient_name", "payer", "prescriber", "prescriber_npi", "units_per_visit", "visits_authorized",
                ])
        #expect(try await Self.keys(cli.succeed(["prescription", "show", prescription, "--json"])).contains("visits_used"))
        #expect(
            try await Self.keys(cli.succeed(["changes", "--json"])) == [
                "hlc", "operation", "origin", "row_id", "seen", "seq", "table", "timestamp", "values",
            ])
        #expect(try await Self.keys(cli.succeed(["identity", "show", "--json"])) == ["certificate", "fingerprint", "incarnation", "private_key"])
        #expect(try await Self.keys(cli.succeed(["check", "--json"])) == ["database", "digest", "ok", "problems"])
        #expect(try await Self.keys(cli.succeed(["compact", "--json"])) == ["remaining", "removed", "waiting"])
        #expect(try await Self.keys(cli.succeed(["backup", "--to", cli.directory + "/backup.sqlite", "--json"])) == ["backup", "database"])
        try await cli.succeed(["appointment", "delete", appointment])
        #expect(
            try await Self.keys(cli.succeed(["deleted", "list", "--json"])) == ["deleted_at", "deleted_by", "deleted_hlc", "id", "table", "values"])
        #expect(
            try await Self.keys(cli.succeed(["status", "--json"]))
                == [
                    "alert_time_zone", "appointments", "change_log_entries", "clock", "clock_hlc", "compaction", "conflicts", "daemon", "database",
                    "database_bytes",
                    "deleted_rows", "drift_bound", "drift_bound_ms", "fingerprint", "held_origins", "holds", "identity_conflicts", "incarnation",
                    "open_alerts", "peers", "prescriptions", "recovering_from", "schema_version", "site_id", "unsealed_changes", "version",
                ])
    }

    @Test("a sync round's report and a peer's status print today's keys")
    func syncReport() async throws {
        let cli = try CLIHarness(site: "lonely")
        defer { cli.remove() }
        // A peer nothing listens for: the round fails at once, and says so in the same report.
        var file = SiteConfigurationFile(site: "lonely", database: "data/lonely.sqlite")
        file.listenPort = try LoopbackPorts.next()
        file.peers = [
            .init(
                name: "gone", url: "http://127.0.0.1:\(try LoopbackPorts.next())", fingerprint: SiteProcess.strangerFingerprint,
                secret: SiteConfigurationFile.secret("lonely", "gone"))
        ]
        try file.write(to: cli.configPath)
        try await cli.succeed(["init"])
        let round = try await cli.run(["sync", "now", "--json"])
        #expect(round.status == 69)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(round.stdout.utf8)) as? [String: Any])
        #expect(report.keys.sorted() == ["peers"])
        #expect(
            try Self.keys(String(decoding: JSONSerialization.data(withJSONObject: report["peers"] ?? []), as: UTF8.self))
                == ["bytes_in", "bytes_out", "clock_problem", "conflicts", "duration_ms", "error", "ok", "peer", "received", "sent", "url"])
        let status = try await #require(try JSONSerialization.jsonObject(with: Data(cli.succeed(["status", "--json"]).utf8)) as? [String: Any])
        #expect(
            try Self.keys(String(decoding: JSONSerialization.data(withJSONObject: status["peers"] ?? []), as: UTF8.self))
                == ["clock_problem", "last_attempt", "last_error", "name", "received", "sent", "url", "waiting"])
        #expect((status["daemon"] as? [String: Any]).map { $0.keys.sorted() } == ["running", "source"])
    }
}
