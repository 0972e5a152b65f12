import ClinicSyncCore
import ClinicSyncStore
import Testing

/// Compaction's two sweeps (the log in its key order, then the row index in row order) on real stores.
@Suite("Compaction")
struct CompactionTests {
    /// `north` writes a row and edits it; `south` receives everything and reports it to `north`.
    private static func acknowledgedHistory(edits: Int, in directory: TemporaryDirectory) throws -> (north: SiteStore, south: SiteStore) {
        let clock = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: clock)
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let appointment = Fixtures.appointment()
        try north.addAppointment(appointment)
        for edit in 0..<edits {
            clock.advance(by: 5)
            try north.updateAppointment(id: appointment.id) { $0.notes = "edit \(edit)" }
        }
        try Fixtures.deliverAll(from: north, to: south)
        try north.learn([try south.ownReport(peers: [north.siteID])])
        return (north, south)
    }

    @Test("a site listed in the fleet holds compaction back even when no report names it any more (a peer dropped for a while)")
    func listedSitesHoldCompactionBack() throws {
        let directory = try TemporaryDirectory()
        let (north, south) = try Self.acknowledgedHistory(edits: 3, in: directory)
        // south reports only north as its peer: its own far site, west, is out of reach of reports.
        let west = try SiteID("west")
        let listed = try north.compact(configuredPeers: [south.siteID, west])
        #expect(listed.removed == 0 && listed.blocked?.contains("west") == true, "\(listed)")
        #expect(try north.compact(configuredPeers: [south.siteID]).removed > 0, "the same fleet without west compacts")
    }

    private static func indexEntries(_ store: SiteStore) throws -> Int? {
        Int(try sqlite3(store.path, "SELECT COUNT(*) FROM row_entries").output.filter(\.isNumber))
    }

    @Test("entries the row index has not caught up with are compacted, and the index never picks them up later")
    func unindexedEntriesAreCompacted() throws {
        let directory = try TemporaryDirectory()
        let (north, south) = try Self.acknowledgedHistory(edits: 5, in: directory)
        let before = try north.changeLogCount()
        // Nothing has been applied at north, so its own entries were never indexed.
        #expect(try Self.indexEntries(north) == 0)
        let outcome = try north.compact(configuredPeers: [south.siteID])
        #expect(outcome.removed == 4, "the insert keeps its untouched fields and the last edit its note")
        #expect(try north.changeLogCount() == before - 4)
        #expect(try north.check().isEmpty)
        try north.catchUpRowIndex()
        #expect(try Self.indexEntries(north) == 2)
        #expect(try north.check().isEmpty)
        #expect(try north.canonicalDump() == south.canonicalDump())
    }

    @Test("row-index entries left by a compaction stopped between its sweeps are ignored by check and removed by the next one")
    func danglingIndexEntriesAreRemoved() throws {
        let directory = try TemporaryDirectory()
        let (north, south) = try Self.acknowledgedHistory(edits: 3, in: directory)
        try north.catchUpRowIndex()
        // What a process killed after the log sweep leaves: a replaced entry gone from the log,
        // still in the row index.
        try sqlite3(
            north.path,
            """
            DELETE FROM change_log WHERE origin = 'north' AND seq = (SELECT MIN(seq) + 1 FROM change_log WHERE origin = 'north')
            """)
        #expect(try Self.indexEntries(north) == 4)
        #expect(try north.check().isEmpty)
        let outcome = try north.compact(configuredPeers: [south.siteID])
        #expect(outcome.removed == 1, "the one replaced entry left")
        #expect(try Self.indexEntries(north) == 2)
        #expect(try north.check().isEmpty)
    }

    @Test("nothing is removed while a peer has not acknowledged, and the reason names it")
    func unacknowledgedHistoryStays() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let appointment = Fixtures.appointment()
        try north.addAppointment(appointment)
        try north.updateAppointment(id: appointment.id) { $0.notes = "edited" }
        let outcome = try north.compact(configuredPeers: [try SiteID("south")])
        #expect(outcome.removed == 0)
        #expect(outcome.blocked?.contains("'south'") == true)
        #expect(try north.changeLogCount() == 2)
    }
}
