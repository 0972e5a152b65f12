import ClinicSyncCore
import ClinicSyncStore
import Foundation

extension SiteConfiguration {
    /// The wall clock this site runs on.
    ///
    /// `CLINICSYNC_TEST_CLOCK_OFFSET_MS` shifts it by that many milliseconds (negative: slow). It
    /// exists for fault-injection tests of clock skew; never set it on a real site.
    static func wallClock(environment: [String: String] = ProcessInfo.processInfo.environment) -> SystemWallClock {
        SystemWallClock(offsetMilliseconds: environment["CLINICSYNC_TEST_CLOCK_OFFSET_MS"].flatMap(Int64.init) ?? 0)
    }

    /// Opens the site's initialised database.
    func openStore() throws(StoreError) -> SiteStore {
        try SiteStore.open(path: databasePath, siteID: siteID, wallClock: Self.wallClock(), maximumDrift: maximumDrift)
    }

    /// Opens the site's database to write records, refused while the site's clock runs ahead of its
    /// wall clock beyond the drift bound (unless `force`): such a change would be held at every peer.
    func openStoreForRecordWrites(force: Bool) throws(StoreError) -> SiteStore {
        let store = try openStore()
        try store.checkClockNotAhead(configuredPeers: peerSiteIDs, force: force)
        return store
    }

    /// Opens the site's database for reading only (see ``SiteStore/openReadOnly(path:siteID:maximumDrift:)``).
    func openStoreReadOnly() throws(StoreError) -> SiteStore {
        try SiteStore.openReadOnly(path: databasePath, siteID: siteID, maximumDrift: maximumDrift)
    }

    /// Creates the database and the site's identity if needed; returns whether it was created.
    func initializeStore() throws(StoreError) -> (store: SiteStore, created: Bool) {
        try SiteStore.initialize(path: databasePath, siteID: siteID, wallClock: Self.wallClock(), maximumDrift: maximumDrift)
    }
}
