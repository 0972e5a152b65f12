import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Live sync's trigger: the commit watch sees new changes from any connection or process, and
/// nothing else.
@Suite("The commit watch notices new changes without reading the log")
struct CommitWatchTests {
    @Test("nothing at first; a write through another connection, and one by another program, each seen once")
    func noticesWritesOnce() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        let watch = try CommitWatch(path: store.path)
        #expect(try !watch.newChanges())
        try store.addAppointment(Fixtures.appointment())
        #expect(try watch.newChanges())
        #expect(try !watch.newChanges(), "the same change is news once")
        let (status, _) = try sqlite3(
            store.path,
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(UUID().uuidString.lowercased())', 'p2', 'N', 'T', 'north', '2026-12-01T09:30:00Z', 30, 2, 'scheduled');
            """)
        #expect(status == 0)
        #expect(try watch.newChanges())
    }

    @Test("changes received from another site are news too (they are relayed at once)")
    func noticesReceivedChanges() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let south = try Fixtures.store("south", in: directory)
        let watch = try CommitWatch(path: south.path)
        try north.addAppointment(Fixtures.appointment())
        _ = try Fixtures.deliverAll(from: north, to: south)
        #expect(try watch.newChanges())
    }

    @Test("commits that add no change are not news: compaction, a write that changes no value")
    func ignoresCommitsWithoutChanges() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        let watch = try CommitWatch(path: store.path)
        _ = try store.compact(configuredPeers: [])
        let (status, _) = try sqlite3(store.path, "UPDATE appointments SET therapist = therapist WHERE id = '\(appointment.id)';")
        #expect(status == 0)
        #expect(try !watch.newChanges())
    }
}
