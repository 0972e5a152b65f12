import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("clinicsync refuses bad input and writes nothing")
struct CLIBadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        let mentions: String
        var addConfig = true
        var testDescription: String { arguments.prefix(3).joined(separator: " ") + " … → \(status) (\(mentions))" }
    }

    static let appointment = ["appointment", "add", "--patient-id", "p1", "--patient-name", "N", "--therapist", "T", "--minutes", "30"]
    static let prescription = [
        "prescription", "add", "--patient-id", "p1", "--patient-name", "N", "--prescriber", "D", "--diagnosis", "d",
        "--icd10", "M54.50", "--issued-on", "2026-11-01", "--payer", "P", "--member-id", "M",
    ]

    static let coverage = ["coverage", "add", "--patient-id", "p1", "--payer", "P", "--member-id", "M", "--checked-by", "Kim"]

    static let cases: [Case] = [
        Case(arguments: appointment + ["--starts-at", "tomorrow"], status: 64, mentions: "--starts-at"),
        Case(arguments: appointment + ["--starts-at", "2026-11-27T09:30:00"], status: 64, mentions: "--starts-at"),
        Case(arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--status", "done"], status: 64, mentions: "--status"),
        Case(arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--id", "42"], status: 64, mentions: "--id"),
        Case(arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--minutes", "0"], status: 65, mentions: "minutes"),
        Case(arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--site", ""], status: 65, mentions: "site"),
        Case(
            arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--prescription", UUID().uuidString], status: 65,
            mentions: "prescription_id"),
        Case(arguments: ["appointment", "add", "--patient-id", "p1"], status: 64, mentions: "--patient-name"),
        Case(arguments: ["appointment", "update", UUID().uuidString, "--status", "completed"], status: 66, mentions: "no appointment"),
        Case(arguments: ["appointment", "update", UUID().uuidString], status: 64, mentions: "nothing to change"),
        Case(arguments: ["appointment", "delete", "not-a-uuid"], status: 64, mentions: "UUID"),
        Case(arguments: prescription + ["--npi", "1234567890", "--expires-on", "2027-01-01"], status: 64, mentions: "--npi"),
        Case(arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-02-30"], status: 64, mentions: "--expires-on"),
        Case(arguments: prescription + ["--npi", "1234567893", "--expires-on", "2026-10-01"], status: 65, mentions: "expires_on"),
        Case(arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--icd10", "back"], status: 64, mentions: "--icd10"),
        Case(
            arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--visits", "0"], status: 65,
            mentions: "visits_authorized"),
        Case(
            arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--frequency", "2x/week for 6 weeks"], status: 64,
            mentions: "N per week"),
        Case(
            arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--frequency", "15/week"], status: 64,
            mentions: "--frequency"),
        Case(
            arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--region", "neck, back"], status: 64,
            mentions: "--region"),
        Case(
            arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--lmn-received-on", "2026-13-01"], status: 64,
            mentions: "--lmn-received-on"),
        Case(
            arguments: prescription + ["--npi", "1234567893", "--expires-on", "2027-01-01", "--lmn-reference", " "], status: 65,
            mentions: "lmn_reference"),
        Case(arguments: ["prescription", "update", UUID().uuidString, "--region", "neck", "--any-region"], status: 64, mentions: "--any-region"),
        Case(arguments: ["prescription", "update", UUID().uuidString, "--frequency", "often"], status: 64, mentions: "--frequency"),
        Case(arguments: ["prescription", "update", UUID().uuidString, "--region", ""], status: 64, mentions: "--region"),
        Case(arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--body-region", "neck; back"], status: 64, mentions: "--body-region"),
        Case(arguments: ["appointment", "update", UUID().uuidString, "--body-region", "\"neck\""], status: 64, mentions: "--body-region"),
        Case(arguments: coverage + ["--covered", "yes", "--requires-lmn", "maybe"], status: 64, mentions: "--requires-lmn"),
        Case(arguments: coverage + ["--covered", "maybe"], status: 64, mentions: "--covered"),
        Case(arguments: coverage + ["--covered", "yes", "--requires-prescription", "1"], status: 64, mentions: "--requires-prescription"),
        Case(arguments: coverage + ["--covered", "yes", "--plan-year-start", "02-29"], status: 64, mentions: "--plan-year-start"),
        Case(arguments: coverage + ["--covered", "yes", "--plan-year-start", "7-1"], status: 64, mentions: "MM-DD"),
        Case(arguments: coverage + ["--covered", "yes", "--checked-on", "2026-02-30"], status: 64, mentions: "--checked-on"),
        Case(arguments: coverage + ["--covered", "yes", "--visit-limit-period", "monthly"], status: 64, mentions: "--visit-limit-period"),
        Case(arguments: coverage + ["--covered", "yes", "--in-network", "Up Town"], status: 64, mentions: "--in-network"),
        Case(arguments: coverage + ["--covered", "yes", "--icd10", "back"], status: 64, mentions: "--icd10"),
        Case(arguments: coverage + ["--covered", "yes", "--visit-limit", "0"], status: 65, mentions: "visit_limit"),
        Case(arguments: coverage + ["--covered", "yes", "--units-per-visit-limit", "97"], status: 65, mentions: "units_per_visit_limit"),
        Case(arguments: coverage + ["--covered", "yes", "--payer", " "], status: 65, mentions: "payer"),
        Case(
            arguments: coverage + ["--covered", "yes", "--visit-limit", "6", "--visit-limit-period", "authorization"], status: 65,
            mentions: "authorization_number"),
        Case(
            arguments: coverage + ["--covered", "yes", "--valid-from", "2027-01-01", "--valid-until", "2026-12-31"], status: 65,
            mentions: "valid_until"),
        Case(arguments: ["coverage", "add", "--patient-id", "p1", "--payer", "P", "--member-id", "M"], status: 64, mentions: "--covered"),
        Case(arguments: ["coverage", "update", UUID().uuidString, "--covered", "no"], status: 66, mentions: "no coverage check"),
        Case(arguments: ["coverage", "update", UUID().uuidString], status: 64, mentions: "nothing to change"),
        Case(arguments: ["coverage", "update", UUID().uuidString, "--icd10", "M54.50", "--any-icd10"], status: 64, mentions: "--any-icd10"),
        Case(arguments: ["coverage", "update", UUID().uuidString, "--in-network", "a", "--every-site"], status: 64, mentions: "--every-site"),
        Case(arguments: ["coverage", "update", UUID().uuidString, "--valid-from", "soon"], status: 64, mentions: "--valid-from"),
        Case(arguments: ["coverage", "show", UUID().uuidString], status: 66, mentions: "no coverage check"),
        Case(arguments: ["coverage", "delete", "CHK-1"], status: 64, mentions: "UUID"),
        Case(arguments: ["alerts", "ack", "bogus"], status: 64, mentions: "not an alert id"),
        Case(arguments: ["alerts", "ack", "over_authorized-0123456789abcdef"], status: 66, mentions: "no alert with id"),
        Case(arguments: ["alerts", "ack", "made_up-0123456789abcdef"], status: 64, mentions: "not an alert id"),
        Case(arguments: ["alerts", "--kind", "late"], status: 64, mentions: "--kind"),
        Case(arguments: ["patient", "show", "nobody"], status: 66, mentions: "patient id nobody"),
        Case(
            arguments: appointment + ["--starts-at", "2026-11-27T09:30:00Z", "--strict", "--minutes", "20", "--units", "3"], status: 65,
            mentions: "--strict"),
        Case(arguments: ["changes", "--since", "-3"], status: 64, mentions: "--since"),
        Case(arguments: ["appointment", "frobnicate"], status: 64, mentions: "frobnicate", addConfig: false),
    ]

    @Test("each bad invocation exits non-zero naming what is wrong, and the change log is untouched", arguments: cases)
    func refused(_ badCase: Case) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        try await cli.succeed(CLIRecordTests.prescriptionArguments)
        let before = try await cli.succeed(["changes", "--json"])
        let result = try await cli.run(badCase.arguments, addConfig: badCase.addConfig)
        #expect(result.status == badCase.status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(badCase.mentions), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("Jane Roe"), "error messages never echo patient names")
        #expect(try await cli.succeed(["changes", "--json"]) == before)
    }

    @Test("configuration problems are reported by key, with exit status 78")
    func configurationErrors() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let missingFile = try await cli.run(["appointment", "list", "--config", cli.directory + "/absent.yaml"], addConfig: false)
        #expect(missingFile.status == 78 && missingFile.stderr.contains("absent.yaml"))

        let notInitialised = try await cli.run(["appointment", "list"])
        #expect(notInitialised.status == 78 && notInitialised.stderr.contains("clinicsync init"))

        let badFiles: [(String, String)] = [
            ("site:\n  id: downtown\n  databse: x.sqlite\n", "site.databse"),
            ("site:\n  database: x.sqlite\n", "site.id"),
            ("site:\n  id: Down Town\n  database: x.sqlite\n", "site.id"),
            ("site: [unclosed\n", "not valid YAML"),
            ("site:\n  id: downtown\n  database: x.sqlite\nclock:\n  max_drift_seconds: soon\n", "clock.max_drift_seconds"),
            ("site:\n  id: downtown\n  database: x.sqlite\nserver:\n  listen: 0.0.0.0:7420\n  plaintext: true\n", "server.plaintext"),
            ("site:\n  id: downtown\n  database: x.sqlite\nconsole:\n  listen: 0.0.0.0:9421\n", "console.listen"),
            ("site:\n  id: downtown\n  database: x.sqlite\nconsole:\n  enabled: sometimes\n", "console.enabled"),
            ("site:\n  id: downtown\n  database: x.sqlite\npeers:\n  - name: uptown\n    url: http://10.0.0.2:7420\n", "peers[0].url"),
            ("site:\n  id: downtown\n  database: x.sqlite\npeers:\n  - name: uptown\n    url: https://10.0.0.2:7420\n", "peers[0].fingerprint"),
            (
                "site:\n  id: downtown\n  database: x.sqlite\npeers:\n  - name: uptown\n    url: https://10.0.0.2:7420\n    fingerprint: md5:abc\n",
                "peers[0].fingerprint"
            ),
            // Plain HTTP authenticates peers by a shared secret: required there, refused where TLS proves them.
            (
                "site:\n  id: downtown\n  database: x.sqlite\nserver:\n  listen: 127.0.0.1:7420\n  plaintext: true\npeers:\n  - name: "
                    + "uptown\n    url: http://127.0.0.1:7421\n",
                "peers[0].secret"
            ),
            (
                "site:\n  id: downtown\n  database: x.sqlite\nserver:\n  listen: 127.0.0.1:7420\n  plaintext: true\npeers:\n  - name: "
                    + "uptown\n    url: http://127.0.0.1:7421\n    secret: short\n",
                "peers[0].secret"
            ),
            (
                "site:\n  id: downtown\n  database: x.sqlite\npeers:\n  - name: uptown\n    url: https://10.0.0.2:7420\n    fingerprint: "
                    + "sha256:\(String(repeating: "a", count: 64))\n    secret: 0123456789abcdef0123\n",
                "peers[0].secret"
            ),
            // Every peer's key is pinned, over plain HTTP too: it verifies the changes the peer signs.
            (
                "site:\n  id: downtown\n  database: x.sqlite\nserver:\n  listen: 127.0.0.1:7420\n  plaintext: true\npeers:\n  - name: "
                    + "uptown\n    url: http://127.0.0.1:7421\n    secret: 0123456789abcdef0123\n",
                "peers[0].fingerprint"
            ),
            // The fleet: far sites need their key; retired keys need the number they are valid to.
            ("site:\n  id: downtown\n  database: x.sqlite\nfleet:\n  - site: westside\n", "fleet[0].fingerprint"),
            (
                "site:\n  id: downtown\n  database: x.sqlite\nfleet:\n  - site: westside\n    fingerprint: "
                    + "sha256:\(String(repeating: "a", count: 64))\n    previous: sha256:\(String(repeating: "b", count: 64))\n",
                "fleet[0].previous"
            ),
            ("site:\n  id: downtown\n  database: x.sqlite\nfleet:\n  - site: Westside\n", "fleet[0].site"),
            ("site:\n  id: downtown\n  database: x.sqlite\nfleet:\n  - site: downtown\n  - site: downtown\n", "fleet[1].site"),
            ("site:\n  id: downtown\n  database: x.sqlite\nfleet:\n  - site: downtown\n    retired: true\n", "fleet[0].retired"),
            (
                "site:\n  id: downtown\n  database: x.sqlite\nfleet:\n  - site: westside\n    fingerprint: "
                    + "sha256:\(String(repeating: "a", count: 64))\n    retired: maybe\n",
                "fleet[0].retired"
            ),
        ]
        for (text, mention) in badFiles {
            try cli.writeConfig(text)
            let result = try await cli.run(["init"])
            #expect(result.status == 78, "\(text)")
            #expect(result.stderr.contains(mention), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cli.directory + "/x.sqlite"))
        }
    }

    @Test("environment variables override keys, and a database is never opened as another site")
    func environmentOverride() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let other = try await cli.run(["appointment", "list"], environment: ["CLINICSYNC_SITE_ID": "uptown"])
        #expect(other.status == 78 && other.stderr.contains("uptown") && other.stderr.contains("downtown"))
        let viaEnvironment = try await cli.run(["appointment", "list"], environment: ["CLINICSYNC_CONFIG": cli.configPath], addConfig: false)
        #expect(viaEnvironment.status == 0)
    }
}
