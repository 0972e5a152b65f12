import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Regression tests for what ordinary application writes (the `sqlite3` shell, an ORM) did to sync:
/// each test reproduces one finding of the change-log v2 issue through real processes.
@Suite("Writes by other programs and partial updates", .serialized)
struct ApplicationWriteTests {
    /// Two daemons, `first` and `second`, peered over plain HTTP on loopback.
    static func pair() async throws -> (SiteProcess, SiteProcess) {
        let first = try await SiteProcess("first")
        let second = try await SiteProcess("second")
        try await first.configure(peers: [second])
        try await second.configure(peers: [first])
        try await first.start()
        try await second.start()
        return (first, second)
    }

    static func appointment(_ site: SiteProcess, _ id: String) async throws -> AppointmentView {
        try await site.cli.decode(AppointmentView.self, ["appointment", "show", id, "--json"])
    }

    @Test("finding 4: an update writes only what it changes, so a concurrent reschedule of another spelling survives")
    func updateWritesOnlyChangedFields() async throws {
        let (first, second) = try await Self.pair()
        let id = UUID().uuidString.lowercased()
        // Another program stores a valid time with an offset rather than in UTC.
        try await first.cli.sqlite3(
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p1', 'N', 'Sam', 'first', '2026-12-01T10:00:00-05:00', 60, 4, 'scheduled');
            """)
        #expect(try await first.syncNow().status == 0)
        // first reschedules; second, not yet synced, changes only the therapist.
        try await first.cli.succeed(["appointment", "update", id, "--starts-at", "2026-12-01T16:00:00Z"])
        try await second.cli.succeed(["appointment", "update", id, "--therapist", "Kim"])
        let changes = try await second.cli.decode([ChangeView].self, ["changes", "--json"])
        let secondsOwn = changes.filter { $0.origin == "second" }
        #expect(
            secondsOwn.map { $0.values.map { Array($0.keys) } } == [["therapist"]],
            "the update logged \(secondsOwn)")
        #expect(try await second.syncNow().status == 0)
        for site in [first, second] {
            let row = try await Self.appointment(site, id)
            #expect(row.startsAt == "2026-12-01T16:00:00Z", "\(site.name) lost the reschedule")
            #expect(row.therapist == "Kim", "\(site.name) lost the therapist")
        }
        #expect(try await first.state() == second.state())
    }

    @Test("finding 4: a valid spelling the CLI did not write (fractional seconds) does not block updating the row")
    func storedSpellingsStayUpdatable() async throws {
        let cli = try CLIHarness(site: "solo")
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let id = UUID().uuidString.lowercased()
        try await cli.sqlite3(
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p1', 'N', 'Sam', 'solo', '2026-12-02T15:00:00.000Z', 60, 4, 'scheduled');
            """)
        try await cli.succeed(["appointment", "update", id, "--therapist", "Kim"])
        let stored = try await cli.sqlite3("SELECT starts_at || '|' || therapist FROM appointments WHERE id = '\(id)';")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "2026-12-02T15:00:00.000Z|Kim")
        // A row that really is unreadable is blamed on the stored row, not on the caller's flag.
        try await cli.sqlite3("UPDATE appointments SET starts_at = 'next tuesday' WHERE id = '\(id)';")
        let refused = try await cli.run(["appointment", "update", id, "--starts-at", "2026-12-03T10:00:00Z"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("stored appointment \(id)"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("next tuesday"))
    }

    @Test("finding 2: an ORM's delete-and-reinsert of one id is refused at once, and no site diverges")
    func deleteAndReinsertRefused() async throws {
        let (first, second) = try await Self.pair()
        let id = try await first.addAppointment()
        #expect(try await first.syncNow().status == 0)
        let save = try await first.cli.commands.sqlite3(
            """
            DELETE FROM appointments WHERE id = '\(id)';
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p1', 'N', 'Kim', 'first', '2026-12-01T10:00:00Z', 60, 4, 'scheduled');
            """)
        #expect(save.status != 0 && save.stderr.contains("was deleted and cannot be reused"), "\(save.stderr)")
        #expect(try await first.syncNow().status == 0)
        for site in [first, second] {
            #expect(try await site.cli.run(["appointment", "show", id]).status == 66, "\(site.name) still shows the row")
            #expect(try await site.cli.run(["check"]).status == 0, "\(site.name) fails check")
        }
        #expect(try await first.state() == second.state())
    }

    @Test("finding 3: a write by another program is ordered by when it was made, not by when clinicsync next ran")
    func foreignWritesStampedWhenMade() async throws {
        let (first, second) = try await Self.pair()
        let id = try await first.addAppointment()
        #expect(try await first.syncNow().status == 0)
        // first's daemon stops (its link is down); the front desk writes there, then, later, second's
        // operator writes the same field.
        #expect(await first.stop() == 0)
        try await first.cli.sqlite3("UPDATE appointments SET notes = 'front desk, earlier' WHERE id = '\(id)';")
        try await Task.sleep(for: .milliseconds(50))
        try await second.cli.succeed(["appointment", "update", id, "--notes", "second, later"])
        try await first.start()
        #expect(try await first.syncNow().status == 0)
        for site in [first, second] {
            #expect(try await site.cli.succeed(["appointment", "show", id, "--json"]).contains("second, later"), "\(site.name)")
        }
        let conflicts = try await second.cli.succeed(["conflicts", "--json"])
        #expect(conflicts.contains("front desk, earlier"), "the earlier value is journaled as lost: \(conflicts)")
        #expect(try await first.state() == second.state())
    }
}
