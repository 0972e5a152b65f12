import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Two databases under one site id (finding 5 of the "sync keeps flowing" issue), in real stores.
@Suite("Site identity: one database per site id")
struct IdentityConflictTests {
    @Test("a second database initialised under a known site id is recognised by its incarnation; its site's changes are held until an operator clears it")
    func secondInitIsRecognised() throws {
        let directory = try TemporaryDirectory()
        let first = try Fixtures.store("north", in: directory)
        let second = try SiteStore.initialize(path: directory.file("north-again.sqlite"), siteID: Fixtures.site("north")).store
        let south = try Fixtures.store("south", in: directory)
        let incarnations = (try first.incarnation(), try second.incarnation())
        #expect(incarnations.0 != nil && incarnations.0 != incarnations.1)
        try first.addAppointment(Fixtures.appointment())
        try south.learn([try first.ownReport(peers: [south.siteID])])
        try Fixtures.deliverAll(from: first, to: south)
        #expect(try south.identityConflicts().isEmpty)

        // The second database reports: south names both, and holds north's changes from then on,
        // the first database's included (each numbers its changes from the same point).
        try second.addAppointment(Fixtures.appointment())
        try south.learn([try second.ownReport(peers: [south.siteID])])
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
        try south.learn([try first.ownReport(peers: [south.siteID])])
        #expect(try Fixtures.deliverAll(from: first, to: south).applied == 1)
        #expect(try south.identityConflicts().isEmpty)
        #expect(try !south.clearIdentityConflict(first.siteID))
    }

    @Test("another database claiming this site's own id is named, and this site's own changes are never held")
    func claimOnThisSite() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let impostor = try SiteStore.initialize(path: directory.file("north-copy.sqlite"), siteID: Fixtures.site("north")).store
        try north.learn([try impostor.ownReport(peers: [])])
        let conflict = try #require(try north.identityConflicts().first)
        #expect(conflict.isSelf && conflict.description.contains("reports as this site 'north'"))
        try north.addAppointment(Fixtures.appointment())
        #expect(try north.heldOrigins().isEmpty)
        #expect(try north.clearIdentityConflict(north.siteID) && north.identityConflicts().isEmpty)
    }

    @Test("a report dated beyond the drift bound is not kept, so a site whose clock ran fast does not stay 'newest'")
    func futureReportIgnored() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let fast = ManualWallClock(clock.nowMilliseconds() + 3_600_000)
        let north = try Fixtures.store("north", in: directory, clock: fast)
        try north.addAppointment(Fixtures.appointment())
        try south.learn([try north.ownReport(peers: [south.siteID])])
        #expect(try south.fleetView().reports[north.siteID] == nil)
        fast.set(clock.nowMilliseconds())
        let corrected = try SiteStore.open(path: directory.file("north.sqlite"), siteID: north.siteID, wallClock: fast)
        try south.learn([try corrected.ownReport(peers: [south.siteID])])
        // Its persisted clock still runs an hour ahead, so its report stays out until real time catches up.
        #expect(try south.fleetView().reports[north.siteID] == nil)
        clock.advance(by: 3_600_000)
        try south.learn([try corrected.ownReport(peers: [south.siteID])])
        #expect(try south.fleetView().reports[north.siteID] != nil)
    }

    @Test("restoring a backup made before incarnations keeps the incarnation the site's peers know")
    func restoreOfOldBackupKeepsIncarnation() throws {
        let directory = try TemporaryDirectory()
        let backup = try UpgradeTests.fixture("alpha", into: directory)
        let live = directory.file("live.sqlite")
        try FileManager.default.copyItem(atPath: backup, toPath: live)
        let known = try #require(try SiteStore.open(path: live, siteID: Fixtures.site("alpha")).incarnation())
        let outcome = try SiteStore.restore(from: backup, to: live, siteID: Fixtures.site("alpha"), recoveringFrom: [Fixtures.site("beta")])
        #expect(outcome.replacedDatabase != nil)
        #expect(try SiteStore.open(path: live, siteID: Fixtures.site("alpha")).incarnation() == known)
    }
}
