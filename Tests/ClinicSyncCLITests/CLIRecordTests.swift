import ClinicSyncCore
import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("clinicsync records, end to end")
struct CLIRecordTests {
    static let prescriptionArguments = [
        "prescription", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--prescriber", "Dr Lee",
        "--npi", "1234567893", "--diagnosis", "Low back pain", "--icd10", "M54.50", "--icd10", "m79.1",
        "--visits", "8", "--units-per-visit", "4", "--issued-on", "2026-11-01", "--expires-on", "2027-02-01",
        "--payer", "Aetna", "--member-id", "W123",
    ]

    @Test("init creates an owner-only database once; running it again changes nothing")
    func initIsIdempotent() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let first = try await cli.decode(InitResult.self, ["init", "--json"])
        #expect(first.created && first.siteID == "downtown")
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.databasePath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let before = try await cli.sqliteDump()
        let second = try await cli.run(["init"])
        #expect(second.status == 0 && second.stdout.contains("already initialised"))
        #expect(try await cli.sqliteDump() == before)
    }

    @Test("a prescription and an appointment go through add, list, show, update and delete")
    func lifecycle() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let prescriptionID = try await cli.succeed(Self.prescriptionArguments)
        let appointmentID = try await cli.succeed([
            "appointment", "add", "--patient-id", "p1", "--patient-name", "Jane Roe", "--therapist", "Sam",
            "--starts-at", "2026-11-27T09:30:00-05:00", "--minutes", "53", "--prescription", prescriptionID,
        ])
        let listed = try await cli.decode([AppointmentView].self, ["appointment", "list", "--json"])
        #expect(listed.count == 1)
        let row = try #require(listed.first)
        #expect(row.id == appointmentID && row.startsAt == "2026-11-27T14:30:00Z")
        #expect(row.units == 4 && row.status == "scheduled" && row.site == "downtown")
        #expect(row.prescriptionID == prescriptionID)

        let shown = try await cli.decode(PrescriptionView.self, ["prescription", "show", prescriptionID, "--json"])
        #expect(shown.icd10Codes == ["M54.50", "M79.1"] && shown.visitsUsed == 1)

        try await cli.succeed(["appointment", "update", appointmentID, "--status", "completed", "--notes", "tolerated well"])
        let updated = try await cli.decode(AppointmentView.self, ["appointment", "show", appointmentID, "--json"])
        #expect(updated.status == "completed" && updated.notes == "tolerated well")

        let changes = try await cli.decode([ChangeView].self, ["changes", "--json"])
        // One entry per row write: the prescription, the appointment, the update.
        #expect(changes.count == 3)
        #expect(changes.allSatisfy { $0.origin == "downtown" })
        #expect(changes.map(\.sequence) == [1, 2, 3])
        let tail = try await cli.decode([ChangeView].self, ["changes", "--since", "2", "--json"])
        #expect(tail.compactMap { $0.values.map { $0.keys.sorted() } } == [["notes", "status"]])

        try await cli.succeed(["appointment", "delete", appointmentID])
        let gone = try await cli.run(["appointment", "show", appointmentID])
        #expect(gone.status == 66 && gone.stderr.contains(appointmentID))
        #expect(try await cli.decode([ConflictView].self, ["conflicts", "--json"]).isEmpty)
    }

    @Test("a write made with the sqlite3 shell shows up in `changes`, stamped by this site")
    func shellWriteCaptured() async throws {
        let cli = try CLIHarness(site: "westside")
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let id = UUID().uuidString.lowercased()
        try await cli.sqlite3("INSERT INTO appointments (id, patient_id, status) VALUES ('\(id)', 'p7', 'scheduled');")
        let changes = try await cli.decode([ChangeView].self, ["changes", "--json"])
        let mine = changes.filter { $0.rowID == id }
        #expect(mine.count == 1)
        #expect(mine.allSatisfy { $0.origin == "westside" && $0.hlc > 0 && $0.sequence == 1 })
        #expect(mine.first?.values?["patient_id"]?.value == .text("p7"))
        #expect(mine.first?.values?.count == 11, "an insert carries every column, NULL ones too")
    }
}
