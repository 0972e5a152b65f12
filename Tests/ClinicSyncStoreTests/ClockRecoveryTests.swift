import ClinicSyncCore
import ClinicSyncStore
import Testing

/// Recovery from a fast clock (the "sync keeps flowing" issue), in real stores.
@Suite("Recovering from a fast clock")
struct ClockRecoveryTests {
    static let hour: UInt64 = 3_600_000

    @Test("changes another site already accepted keep their stamps, and the clock stays ahead of them")
    func acceptedChangesKeepTheirStamps() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let fast = ManualWallClock(real.nowMilliseconds() + Self.hour)
        let north = try Fixtures.store("north", in: directory, clock: fast)
        // south's clock ran fast at the same time, so it accepted north's changes.
        let south = try Fixtures.store("south", in: directory, clock: ManualWallClock(real.nowMilliseconds() + Self.hour))
        for _ in 0..<2 { try north.addAppointment(Fixtures.appointment()) }
        #expect(try Fixtures.deliverAll(from: north, to: south).applied == 2)
        try north.learn([try south.ownReport(peers: [north.siteID])])
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: real)
        try corrected.addAppointment(Fixtures.appointment())
        let before = try corrected.changes()
        let recovery = try corrected.recoverFromFastClock()
        #expect(recovery.keptAhead == 2 && recovery.heldElsewhereBy == [south.siteID], "\(recovery)")
        #expect(recovery.restamped == 1 && recovery.firstRestamped == 3)
        #expect(recovery.leadAfter.value > Self.hour - 60_000, "still ahead of the kept changes: \(recovery)")
        let after = try corrected.changes()
        #expect(Array(after.prefix(2)) == Array(before.prefix(2)), "accepted changes are untouched")
        #expect(after[2].timestamp > after[1].timestamp, "order kept")
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
        let dump = try corrected.canonicalDump(), changes = try corrected.changes(), clock = try corrected.clock()
        #expect(throws: StoreError.clockRecoveryInterleaved(site: north.siteID)) { try corrected.recoverFromFastClock() }
        #expect(try corrected.canonicalDump() == dump && corrected.changes() == changes && corrected.clock() == clock)
    }

    @Test("re-stamped changes keep every merge outcome: journal entries follow them, and peers end identical")
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
        #expect(try corrected.clockLead().value > Self.hour - 60_000)
        let recovery = try corrected.recoverFromFastClock()
        // Within a second: the capture triggers stamp from SQLite's running clock, the test's clock stands still.
        #expect(recovery.restamped == 1 && recovery.leadAfter.value < 1_000, "\(recovery)")
        #expect(try corrected.clockLead().value < 1_000)
        #expect(try Fixtures.deliverAll(from: corrected, to: south).held.isEmpty)
        #expect(try corrected.canonicalDump() == south.canonicalDump())
        #expect(try south.appointment(id: shared.id)?.notes == "north, fast")
        #expect(try corrected.check().isEmpty && south.check().isEmpty)
    }
}
