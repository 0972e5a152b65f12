import ClinicSyncStore

/// An operation on the site's database that no daemon and no sync round may run alongside
/// (a restore, a clock recovery): it holds both locks while it runs.
enum OfflineOperation {
    /// Runs `body` holding the daemon's and the sync round's locks of `configuration`'s database;
    /// refused with `whileRunning(pid)` while the daemon serves it.
    static func run<T>(
        configuration: SiteConfiguration, whileRunning: (String?) -> DaemonError, _ body: () throws -> T
    ) throws -> T {
        let daemonLockPath = configuration.databasePath + ".daemon-lock"
        guard let daemonLock = try FileLock.tryAcquire(path: daemonLockPath) else {
            throw whileRunning(FileLock.holderText(path: daemonLockPath))
        }
        guard let syncLock = try FileLock.tryAcquire(path: configuration.databasePath + ".sync-lock") else {
            throw DaemonError.syncBusy(timeout: "0s")
        }
        defer { withExtendedLifetime((daemonLock, syncLock)) {} }
        return try body()
    }
}
