import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Table schema 3: a visit's treated region, a prescription's regions and letter of medical
/// necessity, and a payer's requirement of the letter travel like every other field.
@Suite("Regions and letters of medical necessity in the store")
struct PrescriptionScopeTablesTests {
    @Test("a visit's region and a prescription's regions and letter are captured in their own slots and read back equal at another site")
    func capturedAndMerged() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let south = try Fixtures.store("south", in: directory)
        var prescription = Fixtures.prescription()
        prescription.bodyRegions = [try BodyRegion("right ankle"), try BodyRegion("Left Ankle")]
        prescription.lmnReceivedOn = try CalendarDate("2026-11-03", field: "lmn_received_on")
        prescription.lmnReference = "scans/2026/lmn-0193.pdf"
        prescription.frequency = "2 per week"
        try north.addPrescription(prescription)
        var visit = Fixtures.appointment(prescription: prescription.id)
        visit.bodyRegion = try BodyRegion("left ankle")
        try north.addAppointment(visit)
        let entries = try north.changes(origin: north.siteID, after: 0)
        #expect(entries.map(\.values.count) == [18, 11])
        let slots = Dictionary(uniqueKeysWithValues: entries.flatMap(\.values).map { ("\($0.column)", $0.column.position) })
        #expect(slots["prescriptions.body_regions"] == 15 && slots["prescriptions.lmn_reference"] == 17 && slots["appointments.body_region"] == 10)
        try Fixtures.deliverAll(from: north, to: south)
        #expect(try south.prescription(id: prescription.id)?.prescription() == prescription)
        #expect(try south.appointment(id: visit.id)?.appointment() == visit)
        let stored = try #require(try south.prescription(id: prescription.id))
        #expect(stored.bodyRegions == #"["left ankle","right ankle"]"#, "sorted, folded: equal sets are equal text")
        #expect(try north.canonicalDump() == south.canonicalDump() && north.check().isEmpty && south.check().isEmpty)
    }

    @Test("a new frequency must be a rule and is refused otherwise; text kept from before survives an edit of another field")
    func frequencyRule() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        var prescription = Fixtures.prescription()
        prescription.frequency = "2x/week for 6 weeks"
        #expect(throws: StoreError.self) { try store.addPrescription(prescription) }
        #expect(try store.changeLogCount() == 0)
        // Another program wrote free text before frequencies were rules.
        prescription.frequency = nil
        try store.addPrescription(prescription)
        let sql = "UPDATE prescriptions SET frequency = 'as tolerated' WHERE id = '\(prescription.id)';"
        #expect(try sqlite3(store.path, sql).status == 0)
        #expect(try store.prescription(id: prescription.id)?.prescription().frequencyRule == nil)
        try store.updatePrescription(id: prescription.id) { $0.notes = "called the prescriber" }
        #expect(try store.prescription(id: prescription.id)?.frequency == "as tolerated")
        // It takes part in usage and alerts like any row (it limits nothing).
        let issued = prescription.issuedOn
        let calendar = CoverageCalendar(today: issued, expiryWarningDays: 14) { _ in issued }
        let read = try store.coverageSnapshot(calendar)
        #expect(read.unreadableRows == 0 && read.snapshot.prescriptions.map(\.id) == [prescription.id])
        let count = try store.changeLogCount()
        #expect(throws: StoreError.self) { try store.updatePrescription(id: prescription.id) { $0.frequency = "most days" } }
        #expect(try store.changeLogCount() == count)
        try store.updatePrescription(id: prescription.id) { $0.frequency = "8 per month" }
        #expect(try store.prescription(id: prescription.id)?.prescription().frequencyRule == VisitFrequency(count: 8, period: .month))
    }

    @Test("another program's region in any case and spacing reads folded; a requires_lmn other than 0 or 1 is refused by the database")
    func foreignWrites() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let prescription = Fixtures.prescription()
        try store.addPrescription(prescription)
        let visit = Fixtures.appointment(prescription: prescription.id)
        try store.addAppointment(visit)
        let written = try sqlite3(
            store.path,
            """
            UPDATE appointments SET body_region = '  Lower   BACK ' WHERE id = '\(visit.id)';
            UPDATE prescriptions SET body_regions = '[ "Neck" , "lower back" ]' WHERE id = '\(prescription.id)';
            """)
        #expect(written.status == 0, "\(written.output)")
        #expect(try store.appointment(id: visit.id)?.appointment().bodyRegion == BodyRegion("lower back"))
        #expect(try store.prescription(id: prescription.id)?.prescription().bodyRegions == [BodyRegion("neck"), BodyRegion("lower back")])
        let count = try store.changeLogCount()
        for statement in [
            "INSERT INTO coverage_checks (id, requires_lmn) VALUES ('\(RowID.random())', 2);",
            "UPDATE prescriptions SET lmn_reference = printf('%.70000c', 'x');",
        ] {
            #expect(try sqlite3(store.path, statement).status != 0, "\(statement.prefix(80))")
        }
        #expect(try store.changeLogCount() == count)
        #expect(try store.check().isEmpty)
    }

    @Test("a peer's requires_lmn other than 0 or 1 is refused naming the column")
    func peerValuesValidated() throws {
        let column = try #require(SyncedTable.coverageChecks.column(named: "requires_lmn"))
        let change = Change(
            table: .coverageChecks, rowID: RowID.random(), operation: .write([ColumnValue(column, .integer(2))]), origin: try SiteID("north"),
            sequence: 1, timestamp: try #require(HybridTimestamp(rawValue: 1 << 20)), knowledge: .vector(VersionVector()))
        #expect(throws: ValidationError(field: "requires_lmn", rule: "value must be 0, 1 or null")) { try change.validate() }
    }
}

/// Findings of a hostile read of issue 13's first version, in the store.
@Suite("Regions and frequencies in the store: what a first review found")
struct PrescriptionScopeStoreReviewTests {
    @Test("a deleted prescription holding frequency text from before is restored with that text: it is not a new value")
    func legacyPrescriptionRestores() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        let prescription = Fixtures.prescription()
        try store.addPrescription(prescription)
        let sql = "UPDATE prescriptions SET frequency = '2x/week for 6 weeks' WHERE id = '\(prescription.id)';"
        #expect(try sqlite3(store.path, sql).status == 0)
        try store.deletePrescription(id: prescription.id)
        let restored = RowID.random()
        try store.restoreRemovedRow(id: prescription.id, as: restored)
        #expect(try store.prescription(id: restored)?.frequency == "2x/week for 6 weeks")
    }

    @Test("regions or a blank letter reference written by another program never make a prescription unreadable")
    func leniently() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        var ids: [RowID] = []
        for (regions, reference) in [("'Left Ankle'", "''"), (#"'["neck, upper", "a \"b\""]'"#, "'  '"), ("'[\"neck'", "NULL")] {
            let prescription = Fixtures.prescription()
            try store.addPrescription(prescription)
            let sql = "UPDATE prescriptions SET body_regions = \(regions), lmn_reference = \(reference) WHERE id = '\(prescription.id)';"
            #expect(try sqlite3(store.path, sql).status == 0, "\(sql)")
            ids.append(prescription.id)
        }
        let read = try ids.map { try #require(try store.prescription(id: $0)).prescription() }
        #expect(read.map { Set($0.bodyRegions.map(\.rawValue)) } == [["left ankle"], ["neck, upper", #"a "b""#], [#"["neck"#]])
        #expect(read.allSatisfy { $0.lmnReference == nil })
        let today = Fixtures.prescription().issuedOn
        let snapshot = try store.coverageSnapshot(CoverageCalendar(today: today, expiryWarningDays: 14) { _ in today })
        #expect(snapshot.unreadableRows == 0 && snapshot.snapshot.prescriptions.count == 3)
        // An edit of another field leaves the stored spelling alone.
        try store.updatePrescription(id: ids[1]) { $0.notes = "seen" }
        #expect(try store.prescription(id: ids[1])?.bodyRegions == #"["neck, upper", "a \"b\""]"#)
    }
}

@Suite("Console accounts in the store")
struct ConsoleAccountStoreTests {
    @Test("a sign-in checked against a hash replaced meanwhile is refused and not counted; an expired lock starts afresh")
    func settleSignIn() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        let now = try UTCDateTime("2026-11-30T10:00:00Z", field: "now")
        try store.addConsoleAccount(try ConsoleAccount(name: "kim", role: .admin), passwordHash: "$2b$12$old", at: now)
        try store.setConsolePassword(named: "kim", passwordHash: "$2b$12$new", at: now)
        #expect(try store.settleSignIn(name: "kim", checkedHash: "$2b$12$old", matched: true, at: now, lockAfter: 5, lockFor: 900) == nil)
        #expect(try store.consoleAccount(named: "kim")?.failedLogins == 0)
        #expect(try store.settleSignIn(name: "kim", checkedHash: "$2b$12$new", matched: true, at: now, lockAfter: 5, lockFor: 900)?.name == "kim")
        for _ in 0..<5 { _ = try store.settleSignIn(name: "kim", checkedHash: "$2b$12$new", matched: false, at: now, lockAfter: 5, lockFor: 900) }
        #expect(try store.consoleAccount(named: "kim")?.lockedUntil == "2026-11-30T10:15:00Z")
        #expect(try store.settleSignIn(name: "kim", checkedHash: "$2b$12$new", matched: true, at: now, lockAfter: 5, lockFor: 900) == nil)
        let later = try UTCDateTime("2026-11-30T10:15:00Z", field: "now")
        _ = try store.settleSignIn(name: "kim", checkedHash: "$2b$12$new", matched: false, at: later, lockAfter: 5, lockFor: 900)
        let account = try store.consoleAccount(named: "kim")
        #expect(account?.failedLogins == 1 && account?.lockedUntil == nil)
    }
}
