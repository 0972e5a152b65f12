import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// The tables of synchronised schema 2 (coverage checks, alert acknowledgements, conflict
/// reviews) are captured, merged, journaled, compacted and restored like the first two.
@Suite("Coverage checks, acknowledgements and reviews in the store")
struct CoverageTablesTests {
    @Test("a check is one entry of 21 values (six past the old 15 slots) and reads back equal at another site")
    func capturedAndMerged() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let south = try Fixtures.store("south", in: directory)
        let check = Fixtures.coverageCheck()
        try north.addCoverageCheck(check)
        let entries = try north.changes(origin: north.siteID, after: 0)
        #expect(entries.count == 1 && entries.first?.table == .coverageChecks)
        #expect(entries.first?.values.count == 21)
        let notes = try #require(entries.first?.values.first { $0.column.name == "notes" })
        #expect(notes.column.position == 19 && notes.value == .text("called twice"))
        let requiresLetter = try #require(entries.first?.values.first { $0.column.name == "requires_lmn" })
        #expect(requiresLetter.column.position == 20 && requiresLetter.value == .integer(1))
        try Fixtures.deliverAll(from: north, to: south)
        #expect(try south.coverageCheck(id: check.id)?.coverageCheck() == check)
        #expect(try north.canonicalDump() == south.canonicalDump())
        #expect(try north.check().isEmpty && south.check().isEmpty)
        // Sets are stored in one canonical spelling, whatever the order they were given in.
        let stored = try #require(try south.coverageCheck(id: check.id))
        #expect(stored.qualifyingICD10 == #"["M54.50","M79.1"]"# && stored.inNetworkSites == #"["downtown","uptown"]"#)
        #expect(stored.covered == 1 && stored.requiresPrescription == 1 && stored.requiresLMN == 1)
    }

    @Test("concurrent edits of one field of a check: the newer wins at both sites and the other value is journaled")
    func concurrentEditsJournaled() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: clock)
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let check = Fixtures.coverageCheck()
        try north.addCoverageCheck(check)
        try Fixtures.deliverAll(from: north, to: south)
        clock.advance(by: 1000)
        try north.updateCoverageCheck(id: check.id) { $0.visitLimit = 20 }
        clock.advance(by: 10)
        let eastside = try SiteID("eastside")
        try south.updateCoverageCheck(id: check.id) {
            $0.visitLimit = 8
            $0.inNetworkSites.insert(eastside)
        }
        try Fixtures.deliverAll(from: north, to: south)
        try Fixtures.deliverAll(from: south, to: north)
        #expect(try north.canonicalDump() == south.canonicalDump())
        let merged = try #require(try north.coverageCheck(id: check.id)?.coverageCheck())
        #expect(merged.visitLimit == 8 && merged.inNetworkSites.count == 3)
        let journal = try north.conflicts()
        #expect(journal.count == 1 && journal.first?.table == .coverageChecks && journal.first?.column.name == "visit_limit")
        #expect(journal.first?.loserValue == .integer(20) && journal.first?.winnerValue == .integer(8))
        #expect(try south.conflicts() == journal)
    }

    @Test("another program's writes to the new tables are captured; values peers would refuse are refused by the database")
    func foreignWrites() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let acknowledgement = RowID.random()
        let written = try sqlite3(
            store.path,
            """
            INSERT INTO alert_acknowledgements (id, alert_id, acknowledged_by, site, acknowledged_at, note)
            VALUES ('\(acknowledgement)', 'over_authorized-0123456789abcdef', 'Kim', 'uptown', '2026-11-30T10:00:00Z', 'called patient');
            INSERT INTO conflict_reviews (id, entry_id, decision, reviewed_by, site, reviewed_at)
            VALUES ('\(RowID.random())', 'c-0123456789abcdef', 'winner', 'Kim', 'uptown', '2026-11-30T10:01:00Z');
            """)
        #expect(written.status == 0, "\(written.output)")
        let entries = try store.changes(origin: store.siteID, after: 0)
        #expect(entries.map(\.table) == [.alertAcknowledgements, .conflictReviews])
        #expect(entries.map(\.values.count) == [5, 6], "an insert carries every column, NULL ones too")
        let count = try store.changeLogCount()
        let refused = [
            "INSERT INTO coverage_checks (id, covered) VALUES ('\(RowID.random())', 2);",
            "INSERT INTO coverage_checks (id, covered) VALUES ('\(RowID.random())', 'yes');",
            "INSERT INTO coverage_checks (id, visit_limit_period) VALUES ('\(RowID.random())', 'monthly');",
            "INSERT INTO conflict_reviews (id, decision) VALUES ('\(RowID.random())', 'both');",
            "INSERT INTO coverage_checks (id) VALUES ('CHK-1');",
            "INSERT INTO alert_acknowledgements (id, note) VALUES ('\(RowID.random())', printf('%.70000c', 'x'));",
        ]
        for statement in refused {
            #expect(try sqlite3(store.path, statement).status != 0, "\(statement.prefix(80))")
        }
        #expect(try store.changeLogCount() == count)
        #expect(try store.check().isEmpty)
    }

    @Test("a peer's change with a boolean other than 0 or 1, or an unknown period or decision, is refused naming the column")
    func peerValuesValidated() throws {
        let cases: [(SyncedTable, String, FieldValue, String)] = [
            (.coverageChecks, "covered", .integer(2), "0, 1 or null"),
            (.coverageChecks, "requires_prescription", .text("yes"), "0, 1 or null"),
            (.coverageChecks, "visit_limit_period", .text("monthly"), "one of plan_year, authorization"),
            (.conflictReviews, "decision", .text("both"), "one of winner, loser, value"),
        ]
        for (table, name, value, expected) in cases {
            let column = try #require(table.column(named: name))
            let change = Change(
                table: table, rowID: RowID.random(), operation: .write([ColumnValue(column, value)]), origin: try SiteID("north"),
                sequence: 1, timestamp: try #require(HybridTimestamp(rawValue: 1 << 20)), knowledge: .vector(VersionVector()))
            #expect(throws: ValidationError(field: name, rule: "value must be \(expected)")) { try change.validate() }
        }
    }

    @Test("edits of a check compact like any row's once every site holds them, and a deleted check can be restored as a new one")
    func compactedAndRestored() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: clock)
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let check = Fixtures.coverageCheck()
        try north.addCoverageCheck(check)
        for limit in 1...5 {
            clock.advance(by: 5)
            try north.updateCoverageCheck(id: check.id) { $0.visitLimit = limit }
        }
        try Fixtures.deliverAll(from: north, to: south)
        try north.learn([try south.ownReport(peers: [north.siteID])])
        let before = try north.changeLogCount()
        #expect(try north.compact(configuredPeers: [south.siteID]).removed > 0)
        #expect(try north.changeLogCount() < before)
        #expect(try north.coverageCheck(id: check.id)?.visitLimit == 5)
        #expect(try north.check().isEmpty)

        try north.deleteCoverageCheck(id: check.id)
        #expect(throws: StoreError.rowDeleted(table: .coverageChecks, id: check.id)) {
            try north.updateCoverageCheck(id: check.id) { $0.notes = nil }
        }
        let restoredID = RowID.random()
        let removed = try north.restoreRemovedRow(id: check.id, as: restoredID)
        #expect(removed.table == .coverageChecks)
        var expected = check
        expected.id = restoredID
        expected.visitLimit = 5
        #expect(try north.coverageCheck(id: restoredID)?.coverageCheck() == expected)
    }

    @Test("a deleted acknowledgement is not re-created: it records what someone did")
    func acknowledgementsAreNotRestored() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("uptown", in: directory)
        let id = RowID.random()
        let sql =
            "INSERT INTO alert_acknowledgements (id, alert_id, acknowledged_by) VALUES ('\(id)', 'a', 'Kim'); DELETE FROM alert_acknowledgements;"
        #expect(try sqlite3(store.path, sql).status == 0)
        #expect(throws: StoreError.notRestorable(table: .alertAcknowledgements, id: id)) { try store.restoreRemovedRow(id: id, as: RowID.random()) }
    }
}
