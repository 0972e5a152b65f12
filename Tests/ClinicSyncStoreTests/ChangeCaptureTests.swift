import ClinicSyncCore
import ClinicSyncStore
import Testing

@Suite("Change capture")
struct ChangeCaptureTests {
    @Test("every field of an insert is logged in the same transaction, stamped by this site")
    func insertCaptured() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        let entries = try store.changes()
        #expect(entries.count == SyncedTable.appointments.columns.count)
        #expect(entries.allSatisfy { $0.change.rowID == appointment.id && $0.change.stamp.origin == store.siteID })
        #expect(Set(entries.compactMap { $0.change.column?.name }) == Set(SyncedTable.appointments.columns.map(\.name)))
        let stamps = entries.map(\.change.stamp)
        #expect(stamps == stamps.sorted() && Set(stamps).count == stamps.count)
    }

    @Test("an update logs only the fields it changed, with the replaced version as base; a no-op logs nothing")
    func updateCapturesChangedFieldsOnly() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        let appointment = Fixtures.appointment()
        try store.addAppointment(appointment)
        let before = try store.changes()
        try store.updateAppointment(id: appointment.id) { $0.status = .checkedIn }
        let added = try store.changes(after: before.last!.seq)
        #expect(added.count == 1)
        #expect(added.first?.change.column?.name == "status")
        #expect(added.first?.change.base == before.first { $0.change.column?.name == "status" }?.change.stamp)
        try store.updateAppointment(id: appointment.id) { $0.status = .checkedIn }
        #expect(try store.changeLogCount() == before.count + 1)
    }

    @Test("writes made with the sqlite3 shell are captured and stamped in the order they were made")
    func foreignWritesCaptured() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let id = RowID.random()
        let insert = try sqlite3(store.path, """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(id)', 'p9', 'Front Desk Entry', 'Kim', 'uptown', '2026-12-02T10:00:00Z', 30, 2, 'scheduled');
            UPDATE appointments SET status = 'checked_in' WHERE id = '\(id)';
            UPDATE appointments SET status = 'checked_in' WHERE id = '\(id)';
            """)
        #expect(insert.status == 0, "\(insert.output)")
        #expect(try store.stampPendingChanges() == SyncedTable.appointments.columns.count + 1)
        let entries = try store.changes()
        #expect(entries.count == SyncedTable.appointments.columns.count + 1)
        #expect(entries.last?.change.value == .text("checked_in"))
        #expect(entries.allSatisfy { $0.change.stamp.origin == store.siteID })
        #expect(entries.map(\.change.stamp) == entries.map(\.change.stamp).sorted())
        #expect(try store.appointment(id: id)?.status == "checked_in")
        // Writes stamped together chain their bases: the update replaced the insert's value.
        let insertedStatus = try #require(entries.first { $0.change.column?.name == "status" })
        #expect(entries.last?.change.base == insertedStatus.change.stamp)
        #expect(entries.filter { $0.seq != entries.last?.seq }.allSatisfy { $0.change.base == nil })

        #expect(try sqlite3(store.path, "DELETE FROM appointments WHERE id = '\(id)';").status == 0)
        #expect(try store.stampPendingChanges() == 1)
        let delete = try #require(try store.changes().last?.change)
        #expect(delete.isDelete && delete.base == entries.last?.change.stamp)
    }

    @Test("an insert, updates and a delete stamped in one batch get chained bases")
    func batchStampingChainsBases() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let kept = Fixtures.appointment()
        try store.addAppointment(kept)
        let keptNotes = try #require(try store.changes().first { $0.change.column?.name == "notes" }?.change.stamp)
        let gone = RowID.random()
        #expect(try sqlite3(store.path, """
            UPDATE appointments SET notes = 'first' WHERE id = '\(kept.id)';
            INSERT INTO appointments (id, status) VALUES ('\(gone)', 'scheduled');
            UPDATE appointments SET notes = 'second' WHERE id = '\(kept.id)';
            UPDATE appointments SET status = 'cancelled' WHERE id = '\(gone)';
            DELETE FROM appointments WHERE id = '\(gone)';
            """).status == 0)
        try store.stampPendingChanges()
        let batch = try store.changes().suffix(14).map(\.change)
        let notes = batch.filter { $0.rowID == kept.id }
        #expect(notes.count == 2 && notes[0].base == keptNotes && notes[1].base == notes[0].stamp)
        let goneChanges = batch.filter { $0.rowID == gone }
        let delete = try #require(goneChanges.last)
        #expect(delete.isDelete && delete.base == goneChanges.dropLast().map(\.stamp).max())
        let cancelled = try #require(goneChanges.first { $0.value == .text("cancelled") })
        #expect(cancelled.base == goneChanges.first { $0.value == .text("scheduled") }?.stamp)
        let stamps = batch.map(\.stamp)
        #expect(stamps == stamps.sorted())
        #expect(try store.appointment(id: gone) == nil && store.appointment(id: kept.id)?.notes == "second")
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
