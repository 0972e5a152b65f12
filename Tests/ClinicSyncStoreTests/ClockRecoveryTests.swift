import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Recovery from a fast clock (the "sync keeps flowing" issue), in real stores.
@Suite("Recovering from a fast clock")
struct ClockRecoveryTests {
    static let hour: UInt64 = 3_600_000

    @Test("only changes stamped beyond twice the drift bound are re-stamped; one within the bound keeps its stamp")
    func withinBoundKeepsItsStamp() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let skewed = ManualWallClock(real.nowMilliseconds() + 120_000)
        let north = try Fixtures.store("north", in: directory, clock: skewed)
        try north.addAppointment(Fixtures.appointment())
        skewed.set(real.nowMilliseconds() + Self.hour)
        try north.addAppointment(Fixtures.appointment())
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: real)
        let before = try corrected.changes()
        let recovery = try corrected.recoverFromFastClock()
        #expect(recovery.restamped == 1 && recovery.firstRestamped == 2, "\(recovery)")
        #expect(recovery.leadBefore.value > Self.hour - 60_000 && recovery.leadAfter.value <= 121_000, "\(recovery)")
        let after = try corrected.changes()
        #expect(after[0] == before[0], "within the bound: peers accept it as it is")
        #expect(after[1].timestamp > after[0].timestamp && after[1].timestamp < before[1].timestamp)
        #expect(try corrected.clockProblem(configuredPeers: [Fixtures.site("south")]) == nil)
    }

    @Test("a fast change that superseded one it saw, compacted away since, is re-stamped above it: both sites keep the fast change's value")
    func restampedAboveACompactedChange() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        // south runs 30 s ahead (inside the bound); north an hour ahead, then corrected.
        let south = try Fixtures.store("south", in: directory, clock: ManualWallClock(real.nowMilliseconds() + 30_000))
        let fast = try Fixtures.store("north", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour))
        let fleet = TestFleet([fast.siteID, south.siteID])
        let appointment = Fixtures.appointment()
        try south.addAppointment(appointment)
        try south.updateAppointment(id: appointment.id) { $0.notes = "from south" }
        try fleet.deliver(from: south, to: fast)
        // north saw south's notes and overwrote them; south holds north's change back (an hour ahead).
        try fast.updateAppointment(id: appointment.id) { $0.notes = "from north" }
        #expect(try fleet.deliver(from: fast, to: south).held.count == 1)
        try fast.learn([try south.ownReport(peers: [fast.siteID])], from: south.siteID)
        // Every site holds south's notes and north's write replaces them: compacted at north.
        #expect(try fast.compact(configuredPeers: [south.siteID]).removed == 1)
        let north = try SiteStore.open(path: fast.path, siteID: fast.siteID, wallClock: real)
        #expect(try north.recoverFromFastClock().restamped == 1)
        let restamped = try #require(try north.changes(origin: north.siteID, after: 0).last)
        let superseded = try #require(try south.changes(origin: south.siteID, after: 0).last)
        #expect(restamped.timestamp > superseded.timestamp, "a change stays after what it saw")
        try fleet.deliver(from: north, to: south)
        for store in [north, south] {
            #expect(try store.appointment(id: appointment.id)?.notes == "from north", "at \(store.siteID)")
            #expect(try store.conflicts().isEmpty, "at \(store.siteID)")
        }
    }

    @Test("a store upgraded from before compaction kept stamps takes the latest clock its fleet reported as what it may have removed")
    func upgradedStoreTakesReportedClocks() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let south = try Fixtures.store("south", in: directory, clock: ManualWallClock(real.nowMilliseconds() + 30_000))
        let north = try Fixtures.store("north", in: directory, clock: real)
        try south.addAppointment(Fixtures.appointment())
        let report = try south.ownReport(peers: [north.siteID])
        try north.learn([report], from: south.siteID)
        // As the store was before schema v14: no such column, no record of the migration.
        #expect(
            try sqlite3(
                north.path,
                """
                ALTER TABLE sync_clock DROP COLUMN compacted_hlc; DELETE FROM grdb_migrations WHERE identifier = 'v14-compacted-stamps';
                """
            ).status == 0)
        _ = try SiteStore.open(path: north.path, siteID: north.siteID, wallClock: real)
        let floor = try sqlite3(north.path, "SELECT compacted_hlc FROM sync_clock").output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(floor == String(report.at.rawValue))
        // A store that never heard from its fleet cannot have compacted: nothing to keep above.
        #expect(try sqlite3(south.path, "SELECT compacted_hlc FROM sync_clock").output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test("a site reported holding a change stamped beyond any bound (its clock ran fast too) refuses the recovery, which changes nothing")
    func heldElsewhereRefuses() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour))
        let south = try Fixtures.store("south", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour))
        for _ in 0..<2 { try north.addAppointment(Fixtures.appointment()) }
        #expect(try Fixtures.deliverAll(from: north, to: south).applied == 2)
        try north.learn([try south.ownReport(peers: [north.siteID])], from: south.siteID)
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: real)
        let changes = try corrected.changes()
        let clock = try corrected.clock()
        #expect(throws: StoreError.clockRecoveryHeldElsewhere(site: south.siteID, sequence: 1)) {
            try corrected.recoverFromFastClock()
        }
        #expect(try corrected.changes() == changes && corrected.clock() == clock)
    }

    @Test("a change a peer accepted, beyond one bound of the corrected clock but within two, keeps its stamp; the fast ones after it are re-stamped")
    func acceptedByAPeerAheadKeepsItsStamp() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let minute: UInt64 = 60_000
        // Clocks inside the fleet's bound of each other: north 4 minutes ahead (or half a bound pushed
        // after a restore), south 3 minutes ahead.
        let northClock = ManualWallClock(real.nowMilliseconds() + 4 * minute)
        let north = try Fixtures.store("north", in: directory, clock: northClock)
        let south = try Fixtures.store("south", in: directory, clock: ManualWallClock(real.nowMilliseconds() + 3 * minute))
        try north.addAppointment(Fixtures.appointment())
        #expect(try Fixtures.deliverAll(from: north, to: south).applied == 1)
        try north.learn([try south.ownReport(peers: [north.siteID])], from: south.siteID)
        northClock.set(real.nowMilliseconds() + Self.hour)
        try north.addAppointment(Fixtures.appointment())
        // Corrected to 2 minutes behind: the change south holds is now 6 minutes ahead, beyond the bound.
        let corrected = try SiteStore.open(
            path: directory.file("north.sqlite"), siteID: north.siteID,
            wallClock: ManualWallClock(real.nowMilliseconds() - 2 * minute))
        let before = try corrected.changes()
        let recovery = try corrected.recoverFromFastClock()
        #expect(recovery.restamped == 1 && recovery.firstRestamped == 2, "\(recovery)")
        #expect(recovery.leadAfter.value > 5 * minute && recovery.leadAfter.value < 7 * minute, "\(recovery)")
        let after = try corrected.changes()
        #expect(after[0] == before[0] && after[1].timestamp > after[0].timestamp)
        #expect(try Fixtures.deliverAll(from: corrected, to: south).held.isEmpty)
        #expect(try corrected.canonicalDump() == south.canonicalDump())
        #expect(try corrected.check().isEmpty && south.check().isEmpty)
    }

    @Test("a received change stamped after the first fast one refuses the recovery, which changes nothing")
    func interleavedChangesRefuse() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour))
        let south = try Fixtures.store("south", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour + 1_000))
        try north.addAppointment(Fixtures.appointment())
        try south.addAppointment(Fixtures.appointment())
        #expect(try Fixtures.deliverAll(from: south, to: north).applied == 1)
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: real)
        let dump = try corrected.canonicalDump()
        let changes = try corrected.changes()
        let clock = try corrected.clock()
        #expect(throws: StoreError.clockRecoveryInterleaved(site: north.siteID)) { try corrected.recoverFromFastClock() }
        #expect(try corrected.canonicalDump() == dump && corrected.changes() == changes && corrected.clock() == clock)
    }

    @Test("re-stamped changes keep every outcome of what the site holds: journal entries follow them, and peers end identical")
    func restampKeepsOutcomes() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour))
        let south = try Fixtures.store("south", in: directory, clock: real)
        let shared = Fixtures.appointment()
        try south.addAppointment(shared)
        try Fixtures.deliverAll(from: south, to: north)
        // Concurrent edits of one field: south's (real time) and north's (an hour ahead).
        try south.updateAppointment(id: shared.id) { $0.notes = "south" }
        try north.updateAppointment(id: shared.id) { $0.notes = "north, fast" }
        try Fixtures.deliverAll(from: south, to: north)
        #expect(try north.conflicts().count == 1)
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: real)
        #expect(try corrected.clockProblem(configuredPeers: [south.siteID]) == .ownChangesAhead(try corrected.ownLead()))
        let recovery = try corrected.recoverFromFastClock()
        // Within a second: the capture triggers stamp from SQLite's running clock, the test's clock stands still.
        #expect(recovery.restamped == 1 && recovery.leadAfter.value < 1_000, "\(recovery)")
        #expect(try corrected.clockProblem(configuredPeers: [south.siteID]) == nil)
        #expect(try Fixtures.deliverAll(from: corrected, to: south).held.isEmpty)
        #expect(try corrected.canonicalDump() == south.canonicalDump())
        #expect(try south.appointment(id: shared.id)?.notes == "north, fast")
        #expect(try corrected.check().isEmpty && south.check().isEmpty)
    }

    @Test("a wall clock running fast now is caught from what peers report: ahead of every peer heard from lately")
    func wallClockAheadOfPeers() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let fast = ManualWallClock(real.nowMilliseconds() + Self.hour)
        let north = try Fixtures.store("north", in: directory, clock: fast)
        let south = try Fixtures.store("south", in: directory, clock: real)
        #expect(try north.clockProblem(configuredPeers: [south.siteID]) == nil, "nothing heard yet")
        try north.learn([try south.ownReport(peers: [north.siteID])], from: south.siteID)
        guard case let .wallClockAhead(peers, lead)? = try north.clockProblem(configuredPeers: [south.siteID]) else {
            Issue.record("not caught")
            return
        }
        #expect(peers == [south.siteID] && lead.value > Self.hour - 60_000)
        #expect(try north.clockProblem(configuredPeers: []) == nil, "a site without peers holds nothing back")
        // A report relayed by another site says nothing about its clock.
        let east = try Fixtures.store("east", in: directory, clock: real)
        try east.learn([try south.ownReport(peers: [])], from: north.siteID)
        #expect(try east.clockProblem(configuredPeers: [south.siteID]) == nil)
        // Corrected, with a fresh reading, north may write again.
        fast.set(real.nowMilliseconds())
        try north.learn([try south.ownReport(peers: [north.siteID])], from: south.siteID)
        #expect(try north.clockProblem(configuredPeers: [south.siteID]) == nil)
    }
}
