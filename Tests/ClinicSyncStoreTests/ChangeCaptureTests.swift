import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

@Suite("Change capture")
struct ChangeCaptureTests {
    @Test("an insert is one entry holding every field, numbered 1 and stamped by this site in its transaction")
    func insertCaptured() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        let entries = try store.changes()
        #expect(entries.count == 1)
        let insert = try #require(entries.first)
        #expect(insert.rowID == appointment.id && insert.origin == store.siteID && insert.sequence == 1)
        #expect(insert.values.map(\.column) == SyncedTable.appointments.columns)
        #expect(insert.value(of: SyncedTable.appointments.column(named: "therapist")!) == .text("Sam"))
        #expect(try store.versionVector()[store.siteID] == 1)
    }

    @Test("an update is one entry with only the fields it changed; a no-op logs nothing")
    func updateCapturesChangedFieldsOnly() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        try store.updateAppointment(id: appointment.id) {
            $0.status = .checkedIn
            $0.notes = "early"
        }
        let added = try store.changes(origin: store.siteID, after: 1)
        #expect(added.count == 1)
        #expect(added.first?.values.map(\.column.name) == ["status", "notes"])
        #expect(added.first?.sequence == 2)
        try store.updateAppointment(id: appointment.id) { $0.status = .checkedIn }
        #expect(try store.changeLogCount() == 2)
    }

    @Test("writes made with the sqlite3 shell are captured, numbered and stamped when they are made")
    func foreignWritesCaptured() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let id = RowID.random()
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let insert = try sqlite3(
            store.path,
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p9', 'Front Desk Entry', 'Kim', 'uptown', '2026-12-02T10:00:00Z', 30, 2, 'scheduled');
            UPDATE appointments SET status = 'checked_in' WHERE id = '\(id)';
            UPDATE appointments SET status = 'checked_in' WHERE id = '\(id)';
            """)
        #expect(insert.status == 0, "\(insert.output)")
        // No clinicsync transaction ran: the entries are complete as the shell left them.
        let entries = try store.changes()
        #expect(entries.map(\.sequence) == [1, 2])
        #expect(entries.allSatisfy { $0.origin == store.siteID })
        #expect(entries.last?.values == [ColumnValue(SyncedTable.appointments.column(named: "status")!, .text("checked_in"))])
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        // Stamped by SQLite's clock when written, not when clinicsync next ran (the store's test
        // clock is months behind the system clock here and the site has never issued a timestamp).
        #expect(entries.allSatisfy { (before - 5...after + 5).contains($0.timestamp.milliseconds) })
        #expect(entries[0].timestamp < entries[1].timestamp)
        #expect(try store.appointment(id: id)?.status == "checked_in")

        #expect(try sqlite3(store.path, "DELETE FROM appointments WHERE id = '\(id)';").status == 0)
        let delete = try #require(try store.changes().last)
        #expect(delete.isDelete && delete.sequence == 3)
    }

    @Test("foreign writes that would break sync are refused by the database itself")
    func foreignWritesGuarded() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        try store.deleteAppointment(id: appointment.id)
        let count = try store.changeLogCount()
        let reuse = try sqlite3(store.path, "INSERT INTO appointments (id, patient_id) VALUES ('\(appointment.id)', 'p1');")
        #expect(reuse.status != 0 && reuse.output.contains("was deleted"))
        let badID = try sqlite3(store.path, "INSERT INTO appointments (id, patient_id) VALUES ('A-1', 'p1');")
        #expect(badID.status != 0 && badID.output.contains("UUID"))
        let badType = try sqlite3(store.path, "INSERT INTO appointments (id, minutes) VALUES ('\(RowID.random())', 'long');")
        #expect(badType.status != 0)
        let badStatus = try sqlite3(store.path, "INSERT INTO appointments (id, status) VALUES ('\(RowID.random())', 'lost');")
        #expect(badStatus.status != 0)
        #expect(try store.changeLogCount() == count)
        // A value peers would refuse (over 64 KiB) is refused where it is written, on insert and update.
        let oversized = try sqlite3(store.path, "INSERT INTO appointments (id, notes) VALUES ('\(RowID.random())', printf('%.70000c', 'x'));")
        #expect(oversized.status != 0 && oversized.output.contains("longer than 65536 bytes"), "\(oversized.output)")
        let live = Fixtures.appointment()
        try store.addAppointment(live)
        let countWithLive = try store.changeLogCount()
        let grown = try sqlite3(store.path, "UPDATE appointments SET notes = printf('%.70000c', 'x') WHERE id = '\(live.id)';")
        #expect(grown.status != 0 && grown.output.contains("longer than 65536 bytes"), "\(grown.output)")
        #expect(try sqlite3(store.path, "UPDATE appointments SET notes = printf('%.65536c', 'x') WHERE id = '\(live.id)';").status == 0)
        #expect(try store.changeLogCount() == countWithLive + 1, "only the update within the limit was captured")
        // Finding 2: an ORM's delete-and-reinsert of the same id in one session is refused at once
        // (the delete is final from the moment it is made), so the site cannot diverge.
        let kept = Fixtures.appointment()
        try store.addAppointment(kept)
        let resave = try sqlite3(
            store.path,
            """
            BEGIN; DELETE FROM appointments WHERE id = '\(kept.id)';
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(kept.id)', 'p1', 'N', 'Sam', 'uptown', '2026-12-02T10:00:00Z', 30, 2, 'scheduled'); COMMIT;
            """)
        #expect(resave.status != 0 && resave.output.contains("was deleted"))
        #expect(try store.check().isEmpty)
    }

    @Test("the store refuses to change or re-create a deleted row")
    func deletedRowsStayDeleted() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        try store.deleteAppointment(id: appointment.id)
        #expect(throws: StoreError.rowDeleted(table: .appointments, id: appointment.id)) {
            try store.updateAppointment(id: appointment.id) { $0.notes = "x" }
        }
        #expect(throws: StoreError.rowDeleted(table: .appointments, id: appointment.id)) {
            try store.addAppointment(appointment)
        }
    }

    @Test("the schema's columns are exactly the synchronised columns the core knows")
    func schemaMatchesCore() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        for table in SyncedTable.allCases {
            let output = try sqlite3(store.path, "SELECT name FROM pragma_table_info('\(table.rawValue)') ORDER BY cid;").output
            let columns = output.split(separator: "\n").map(String.init)
            #expect(columns == ["id"] + table.columns.map(\.name))
        }
    }
}
