import ClinicSyncCore
import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// "Trash, not oblivion" (issue 10): a mistaken delete at the front desk costs nothing.
@Suite("Deleted rows can be listed and re-created", .serialized)
struct DeletedRowsTests {
    private static func deleted(_ site: SiteProcess) async throws -> [DeletedRowView] {
        try await site.cli.decode([DeletedRowView].self, ["deleted", "list", "--json"])
    }

    @Test(
        "a mistaken delete: every site lists the row's last values (unseen edits too), compaction keeps them, and restore re-creates a row that syncs"
    )
    func mistakenDelete() async throws {
        let north = try await SiteProcess("north")
        let south = try await SiteProcess("south")
        try await north.configure(peers: [south])
        try await south.configure(peers: [north])
        try await north.start()
        let id = try await north.addAppointment(patient: "p7")
        #expect(try await south.syncNow().status == 0)
        // south edits the notes twice and syncs; then it changes the therapist while north's front
        // desk, not having seen that yet, deletes the visit.
        try await south.cli.succeed(["appointment", "update", id, "--notes", "call first"])
        try await south.cli.succeed(["appointment", "update", id, "--notes", "bring the x-ray"])
        #expect(try await south.syncNow().status == 0)
        try await south.cli.succeed(["appointment", "update", id, "--therapist", "Kim"])
        try await north.cli.succeed(["appointment", "delete", id])
        for _ in 0..<2 { #expect(try await south.syncNow().status == 0) }

        let listed = try await #require(try Self.deleted(north).first)
        #expect(listed.id == id && listed.table == "appointments" && listed.deletedBy == "north")
        let values = listed.values.mapValues(\.value)
        #expect(
            values["notes"] == .text("bring the x-ray") && values["therapist"] == .text("Kim") && values["patient_id"] == .text("p7"), "\(values)")
        let before = try await north.cli.succeed(["deleted", "list", "--json"])
        #expect(try await south.cli.succeed(["deleted", "list", "--json"]) == before)

        // Compaction drops the superseded edit at both sites, and the deleted row's last values stay.
        let removed = try await north.compact().removed + south.compact().removed
        #expect(removed >= 2, "the first notes edit goes at each site: \(removed)")
        #expect(try await north.cli.succeed(["deleted", "list", "--json"]) == before)
        #expect(try await south.cli.succeed(["deleted", "list", "--json"]) == before)
        let shown = try await south.cli.succeed(["deleted", "show", id])
        #expect(shown.contains("bring the x-ray") && shown.contains("north"), "\(shown)")

        // Restored at both sites before they sync (two front desks fixing the same mistake): one new
        // row, with the same id at both; it reaches the other like any booking.
        let restored = try await south.cli.decode(
            RestoredRowView.self, ["deleted", "restore", id, "--json"], keys: ["id", "restored_from", "table"])
        let newID = restored.id
        #expect(newID != id && restored.restoredFrom == id)
        #expect(try await north.cli.succeed(["deleted", "restore", id]) == newID)
        let twice = try await south.cli.run(["deleted", "restore", id])
        #expect(twice.status == 65 && twice.stderr.contains("restored already, as \(newID)"), "\(twice.stderr)")
        #expect(try await south.syncNow().status == 0)
        for site in [north, south] {
            let list = try await site.cli.decode([AppointmentView].self, ["appointment", "list", "--json"])
            #expect(list.count == 1, "\(site.name): \(list)")
        }
        let copy = try await north.cli.decode(AppointmentView.self, ["appointment", "show", newID, "--json"])
        #expect(copy.notes == "bring the x-ray" && copy.therapist == "Kim" && copy.patientID == "p7" && copy.startsAt == "2026-12-01T09:30:00Z")
        #expect(try await north.state() == south.state())
        for site in [north, south] { #expect(try await site.cli.run(["check"]).status == 0) }

        // The old id stays deleted; an id that was never deleted is named.
        let again = try await north.cli.run(["appointment", "update", id, "--notes", "x"])
        #expect(again.status == 65 && again.stderr.contains("deleted restore"), "\(again.stderr)")
        let unknown = try await north.cli.run(["deleted", "restore", newID, "--new-id", UUID().uuidString.lowercased()])
        #expect(unknown.status == 66 && unknown.stderr.contains("no deleted row has id"), "\(unknown.stderr)")
    }

    @Test(
        "an appointment whose prescription was deleted too: restore is refused, naming why, until it is linked to the prescription's restored copy"
    )
    func restoreNeedsItsPrescription() async throws {
        let site = try await SiteProcess("north")
        let prescription = try await site.cli.succeed([
            "prescription", "add", "--patient-id", "p1", "--patient-name", "Pat", "--prescriber", "Dr Who", "--npi", "1234567893",
            "--diagnosis", "strain", "--icd10", "M54.5", "--visits", "6", "--units-per-visit", "4", "--issued-on", "2026-11-01",
            "--expires-on", "2027-05-01", "--payer", "Aetna", "--member-id", "W1",
        ])
        let visit = try await site.cli.succeed([
            "appointment", "add", "--patient-id", "p1", "--patient-name", "Pat", "--therapist", "Sam",
            "--starts-at", "2026-12-01T09:30:00Z", "--minutes", "60", "--prescription", prescription,
        ])
        try await site.cli.succeed(["appointment", "delete", visit])
        try await site.cli.succeed(["prescription", "delete", prescription])
        let before = try await site.state()
        let refused = try await site.cli.run(["deleted", "restore", visit])
        #expect(refused.status == 65 && refused.stderr.contains("prescription"), "\(refused.stderr)")
        #expect(try await site.state() == before)
        let newPrescription = try await site.cli.succeed(["deleted", "restore", prescription])
        let listed = try await Self.deleted(site).map(\.id)
        #expect(Set(listed.compactMap { $0 }) == [visit, prescription])
        #expect(try await site.cli.run(["prescription", "show", newPrescription]).status == 0)
        #expect(try await site.cli.run(["deleted", "restore", visit]).status == 65, "the old link is still gone")
        let newVisit = try await site.cli.succeed(["deleted", "restore", visit, "--prescription", newPrescription])
        #expect(try await site.cli.decode(AppointmentView.self, ["appointment", "show", newVisit, "--json"]).prescriptionID == newPrescription)
        let wrongTable = try await site.cli.run([
            "deleted", "restore", prescription, "--prescription", "none", "--new-id", UUID().uuidString.lowercased(),
        ])
        #expect(wrongTable.status == 65 && wrongTable.stderr.contains("only when restoring an appointment"), "\(wrongTable.stderr)")
    }
}
