import ClinicSyncCore
import ClinicSyncStore
import Testing

/// Two databases under one site id (finding 5 of the "sync keeps flowing" issue), in real stores.
@Suite("Identity conflicts")
struct IdentityConflictTests {
    @Test("a second database initialised under a known site id is recognised by its incarnation, and its changes are held")
    func secondInitIsRecognised() throws {
        let directory = try TemporaryDirectory()
        let first = try Fixtures.store("north", in: directory)
        let second = try SiteStore.initialize(path: directory.file("north-again.sqlite"), siteID: Fixtures.site("north")).store
        let south = try Fixtures.store("south", in: directory)
        try first.addAppointment(Fixtures.appointment())
        try south.learn([try first.ownReport(peers: [south.siteID])])
        try Fixtures.deliverAll(from: first, to: south)
        #expect(try south.identityConflicts().isEmpty)
        try second.addAppointment(Fixtures.appointment())
        try south.learn([try second.ownReport(peers: [south.siteID])])
        #expect(try south.identityConflicts()[first.siteID]?.contains("two databases report as site 'north'") == true)
        try first.addAppointment(Fixtures.appointment())
        let outcome = try south.apply(try first.changes(), through: try first.versionVector())
        #expect(outcome.applied == 0 && outcome.held.map(\.origin) == [first.siteID])
        #expect(try south.clearIdentityConflict(first.siteID))
        #expect(try south.apply(try first.changes(), through: try first.versionVector()).applied == 1)
    }
}
