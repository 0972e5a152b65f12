import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// Regression tests for what ordinary application writes (the `sqlite3` shell, an ORM) did to sync:
/// each test reproduces one finding of the change-log v2 issue through real processes.
@Suite("Writes by other programs and partial updates", .serialized)
struct ApplicationWriteTests {
    /// Two daemons, `first` and `second`, peered over plain HTTP on loopback.
    static func pair() throws -> (SiteProcess, SiteProcess) {
        let first = try SiteProcess("first")
        let second = try SiteProcess("second")
        try first.configure(peers: [second])
        try second.configure(peers: [first])
        try first.start()
        try second.start()
        return (first, second)
    }

    static func appointment(_ site: SiteProcess, _ id: String) throws -> AppointmentView {
        try site.cli.decode(AppointmentView.self, ["appointment", "show", id, "--json"])
    }

    @Test("finding 4: an update writes only what it changes, so a concurrent reschedule of another spelling survives")
    func updateWritesOnlyChangedFields() throws {
        let (first, second) = try Self.pair()
        let id = UUID().uuidString.lowercased()
        // Another program stores a valid time with an offset rather than in UTC.
        try first.cli.sqlite3(
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p1', 'N', 'Sam', 'first', '2026-12-01T10:00:00-05:00', 60, 4, 'scheduled');
            """)
        #expect(try first.syncNow().status == 0)
        // first reschedules; second, not yet synced, changes only the therapist.
        try first.cli.succeed(["appointment", "update", id, "--starts-at", "2026-12-01T16:00:00Z"])
        try second.cli.succeed(["appointment", "update", id, "--therapist", "Kim"])
        let changes = try second.cli.decode([ChangeView].self, ["changes", "--json"])
        let secondsOwn = changes.filter { $0.origin == "second" }
        #expect(
            secondsOwn.map { $0.values.map { Array($0.keys) } } == [["therapist"]],
            "the update logged \(secondsOwn)")
        #expect(try second.syncNow().status == 0)
        for site in [first, second] {
            let row = try Self.appointment(site, id)
            #expect(row.startsAt == "2026-12-01T16:00:00Z", "\(site.name) lost the reschedule")
            #expect(row.therapist == "Kim", "\(site.name) lost the therapist")
        }
        #expect(try first.state() == second.state())
    }

    @Test("finding 4: a valid spelling the CLI did not write (fractional seconds) does not block updating the row")
    func storedSpellingsStayUpdatable() throws {
        let cli = try CLIHarness(site: "solo")
        defer { cli.remove() }
        try cli.succeed(["init"])
        let id = UUID().uuidString.lowercased()
        try cli.sqlite3(
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p1', 'N', 'Sam', 'solo', '2026-12-02T15:00:00.000Z', 60, 4, 'scheduled');
            """)
        try cli.succeed(["appointment", "update", id, "--therapist", "Kim"])
        let stored = try cli.sqlite3("SELECT starts_at || '|' || therapist FROM appointments WHERE id = '\(id)';")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "2026-12-02T15:00:00.000Z|Kim")
        // A row that really is unreadable is blamed on the stored row, not on the caller's flag.
        try cli.sqlite3("UPDATE appointments SET starts_at = 'next tuesday' WHERE id = '\(id)';")
        let refused = try cli.run(["appointment", "update", id, "--starts-at", "2026-12-03T10:00:00Z"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("stored appointment \(id)"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("next tuesday"))
    }

    @Test("finding 2: an ORM's delete-and-reinsert of one id is refused at once, and no site diverges")
    func deleteAndReinsertRefused() throws {
        let (first, second) = try Self.pair()
        let id = try first.addAppointment()
        #expect(try first.syncNow().status == 0)
        let save = Process()
        save.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        // With a busy timeout, as the README asks of other programs: the daemon may be writing.
        save.arguments = [
            "-cmd", ".timeout 5000", first.cli.databasePath,
            """
            DELETE FROM appointments WHERE id = '\(id)';
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p1', 'N', 'Kim', 'first', '2026-12-01T10:00:00Z', 60, 4, 'scheduled');
            """,
        ]
        let errors = Pipe()
        save.standardError = errors
        try save.run()
        save.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(save.terminationStatus != 0 && message.contains("was deleted and cannot be reused"), "\(message)")
        #expect(try first.syncNow().status == 0)
        for site in [first, second] {
            #expect(try site.cli.run(["appointment", "show", id]).status == 66, "\(site.name) still shows the row")
            #expect(try site.cli.run(["check"]).status == 0, "\(site.name) fails check")
        }
        #expect(try first.state() == second.state())
    }

    @Test("finding 3: a write by another program is ordered by when it was made, not by when clinicsync next ran")
    func foreignWritesStampedWhenMade() throws {
        let (first, second) = try Self.pair()
        let id = try first.addAppointment()
        #expect(try first.syncNow().status == 0)
        // first's daemon stops (its link is down); the front desk writes there, then, later, second's
        // operator writes the same field.
        #expect(first.stop() == 0)
        try first.cli.sqlite3("UPDATE appointments SET notes = 'front desk, earlier' WHERE id = '\(id)';")
        usleep(50_000)
        try second.cli.succeed(["appointment", "update", id, "--notes", "second, later"])
        try first.start()
        #expect(try first.syncNow().status == 0)
        for site in [first, second] {
            #expect(try site.cli.succeed(["appointment", "show", id, "--json"]).contains("second, later"), "\(site.name)")
        }
        let conflicts = try second.cli.succeed(["conflicts", "--json"])
        #expect(conflicts.contains("front desk, earlier"), "the earlier value is journaled as lost: \(conflicts)")
        #expect(try first.state() == second.state())
    }
}
