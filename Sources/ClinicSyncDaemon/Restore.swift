import ClinicSyncCore
import ClinicSyncStore

/// `clinicsync restore`: a site brought back from a backup, recovering its later changes from peers.
public enum Restore {
    /// Restores `configuration`'s database from `backup`; refused while the daemon (or a sync
    /// round) uses the database.
    public static func run(configuration: SiteConfiguration, from backup: String) throws -> RestoreOutcome {
        let daemonLockPath = configuration.databasePath + ".daemon-lock"
        guard let daemonLock = try FileLock.tryAcquire(path: daemonLockPath) else {
            throw DaemonError.restoreWhileRunning(holder: FileLock.holderText(path: daemonLockPath))
        }
        guard let syncLock = try FileLock.tryAcquire(path: configuration.databasePath + ".sync-lock") else {
            throw DaemonError.syncBusy(timeout: "0s")
        }
        defer { withExtendedLifetime((daemonLock, syncLock)) {} }
        return try SiteStore.restore(
            from: backup, to: configuration.databasePath, siteID: configuration.siteID,
            recoveringFrom: configuration.peerSiteIDs, wallClock: SiteConfiguration.wallClock(), maximumDrift: configuration.maximumDrift)
    }
}
