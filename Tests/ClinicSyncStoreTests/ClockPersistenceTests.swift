import ClinicSyncCore
import ClinicSyncStore
import Testing

@Suite("Clock persistence")
struct ClockPersistenceTests {
    @Test("timestamps keep increasing across a wall-clock step back and a restart")
    func monotonicAcrossStepBackAndRestart() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock(1_790_000_000_000)
        var store = try Fixtures.store("downtown", in: directory, clock: clock)
        try store.addAppointment(Fixtures.appointment())
        let beforeStep = try #require(try store.changes().last?.timestamp)
        clock.set(1_789_000_000_000)  // NTP steps the clock back about 17 minutes
        try store.addAppointment(Fixtures.appointment())
        let afterStep = try #require(try store.changes().last?.timestamp)
        #expect(afterStep > beforeStep)

        store = try SiteStore.open(path: store.path, siteID: store.siteID, wallClock: ManualWallClock(1_788_000_000_000))
        try store.addAppointment(Fixtures.appointment())
        let afterRestart = try #require(try store.changes().last?.timestamp)
        #expect(afterRestart > afterStep)
        let all = try store.changes().map(\.timestamp)
        #expect(all == all.sorted() && Set(all).count == all.count)
    }

    @Test("opening a database with another site's configuration is refused")
    func siteMismatch() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("downtown", in: directory)
        #expect(throws: StoreError.siteMismatch(path: store.path, database: store.siteID, configured: Fixtures.site("uptown"))) {
            try SiteStore.open(path: store.path, siteID: Fixtures.site("uptown"))
        }
        #expect(throws: StoreError.notInitialized(path: directory.file("none.sqlite"))) {
            try SiteStore.open(path: directory.file("none.sqlite"), siteID: Fixtures.site("uptown"))
        }
    }
}
