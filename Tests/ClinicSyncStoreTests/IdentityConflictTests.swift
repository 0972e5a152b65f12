import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Two databases under one site id (finding 5 of the "sync keeps flowing" issue), in real stores.
@Suite("Site identity: one database per site id")
struct IdentityConflictTests {
    @Test(
        "a second database under a known site id is recognised by its incarnation; its site's changes are held until an operator clears it"
    )
    func secondInitIsRecognised() throws {
        let directory = try TemporaryDirectory()
        let first = try Fixtures.store("north", in: directory)
        let second = try SiteStore.initialize(path: directory.file("north-again.sqlite"), siteID: Fixtures.site("north")).store
        let south = try Fixtures.store("south", in: directory)
        let incarnations = (try first.incarnation(), try second.incarnation())
        #expect(incarnations.0 != nil && incarnations.0 != incarnations.1)
        try first.addAppointment(Fixtures.appointment())
        try south.learn([try first.ownReport(peers: [south.siteID])], from: first.siteID)
        try Fixtures.deliverAll(from: first, to: south)
        #expect(try south.identityConflicts().isEmpty)

        // The second database reports: south names both, and holds north's changes from then on,
        // the first database's included (each numbers its changes from the same point).
        try second.addAppointment(Fixtures.appointment())
        try south.learn([try second.ownReport(peers: [south.siteID])], from: second.siteID)
        let conflict = try #require(try south.identityConflicts().first)
        let (firstIncarnation, secondIncarnation) = (try first.incarnation(), try second.incarnation())
        #expect(conflict.site == first.siteID && conflict.known == firstIncarnation && conflict.other == secondIncarnation)
        #expect(conflict.description.contains("two databases report as site 'north'") && conflict.description.contains("clear-conflict north"))
        let before = try south.canonicalDump()
        #expect(try Fixtures.deliverAll(from: second, to: south).applied == 0)
        try first.addAppointment(Fixtures.appointment())
        let held = try Fixtures.deliverAll(from: first, to: south)
        #expect(held.applied == 0 && held.held.map(\.origin) == [first.siteID])
        #expect(try south.canonicalDump() == before)

        // The operator retires the second database and clears the conflict: the first flows again.
        #expect(try south.clearIdentityConflict(first.siteID))
        try south.learn([try first.ownReport(peers: [south.siteID])], from: first.siteID)
        #expect(try Fixtures.deliverAll(from: first, to: south).applied == 1)
        #expect(try south.identityConflicts().isEmpty)
        #expect(try !south.clearIdentityConflict(first.siteID))
    }

    @Test(
        "a relayed report about another site with another incarnation (forged, or from a relay that knows better) records no conflict"
    )
    func relayedIncarnationIsNotTrusted() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let south = try Fixtures.store("south", in: directory)
        let forger = Fixtures.site("east")
        let impostor = try SiteStore.initialize(path: directory.file("north-again.sqlite"), siteID: Fixtures.site("north")).store
        try south.learn([try north.ownReport(peers: [south.siteID])], from: north.siteID)
        // east relays a report "about north" from another database, and one "about south" itself.
        try south.learn([try impostor.ownReport(peers: []), try impostor.ownReport(peers: [])], from: forger)
        let forgedSelf = FleetReport(
            site: south.siteID, vector: VersionVector(), peers: [], at: try south.clock(),
            incarnation: try impostor.incarnation())
        try south.learn([forgedSelf], from: forger)
        #expect(try south.identityConflicts().isEmpty)
        try north.addAppointment(Fixtures.appointment())
        #expect(try Fixtures.deliverAll(from: north, to: south).applied == 1)
        // Before north has ever reported itself, a relayed incarnation is no conflict either.
        let west = try Fixtures.store("west", in: directory)
        try west.learn([try impostor.ownReport(peers: [])], from: forger)
        try west.learn([try north.ownReport(peers: [])], from: north.siteID)
        #expect(try west.identityConflicts().isEmpty)
    }

    @Test("a report dated beyond the drift bound is kept as dated at the bound, so a site whose clock ran fast does not stay 'newest'")
    func futureReportClamped() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let fast = ManualWallClock(clock.nowMilliseconds() + 3_600_000)
        let north = try Fixtures.store("north", in: directory, clock: fast)
        try north.addAppointment(Fixtures.appointment())
        try south.learn([try north.ownReport(peers: [south.siteID])], from: north.siteID)
        let first = try #require(try south.fleetView().reports[north.siteID])
        #expect(first.at.milliseconds == clock.nowMilliseconds() + 300_000, "\(first.at)")
        // Corrected, north still reports an hour ahead (its clock never goes back); six minutes later
        // at south its fresh report replaces the old one.
        fast.set(clock.nowMilliseconds())
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: fast)
        try corrected.addAppointment(Fixtures.appointment())
        clock.advance(by: 360_000)
        try south.learn([try corrected.ownReport(peers: [south.siteID, Fixtures.site("east")])], from: north.siteID)
        #expect(try south.fleetView().reports[north.siteID]?.peers.contains(Fixtures.site("east")) == true)
    }

    @Test("a backup made before incarnations restores without one (peers check nothing), so no peer takes it for a second database")
    func restoreOfOldBackupHasNoIncarnation() throws {
        let directory = try TemporaryDirectory()
        let backup = try UpgradeTests.fixture("alpha", into: directory)
        let live = directory.file("live.sqlite")
        try FileManager.default.copyItem(atPath: backup, toPath: live)
        let before = try SiteStore.open(path: live, siteID: Fixtures.site("alpha"))
        let beta = try Fixtures.store("beta", in: directory)
        try beta.learn([try before.ownReport(peers: [beta.siteID])], from: before.siteID)
        let outcome = try SiteStore.restore(from: backup, to: live, siteID: Fixtures.site("alpha"), recoveringFrom: [Fixtures.site("beta")])
        #expect(outcome.replacedDatabase != nil)
        let restored = try SiteStore.open(path: live, siteID: Fixtures.site("alpha"))
        #expect(try restored.incarnation() == nil && restored.ownReport(peers: []).incarnation == nil)
        try beta.learn([try restored.ownReport(peers: [beta.siteID])], from: restored.siteID)
        #expect(try beta.identityConflicts().isEmpty)
    }
}
