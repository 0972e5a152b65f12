import ClinicSyncCore
import ClinicSyncStore

/// `clinicsync restore`: a site brought back from a backup, recovering its later changes from peers.
enum Restore {
    /// Restores `configuration`'s database from `backup`; refused while the daemon (or a sync
    /// round) uses the database.
    /// `keepingFastChanges`: restore a backup taken while the clock ran fast; `keepingUnstampedWrites`:
    /// a version-1 backup with writes it had not stamped, when the lost site never ran this version (see
    /// ``SiteStore/restore(from:to:siteID:recoveringFrom:wallClock:maximumDrift:keepingFastChanges:keepingUnstampedWrites:)``).
    static func run(
        configuration: SiteConfiguration, from backup: String, keepingFastChanges: Bool = false, keepingUnstampedWrites: Bool = false
    ) throws -> RestoreOutcome {
        try OfflineOperation.run(configuration: configuration, whileRunning: DaemonError.restoreWhileRunning) {
            try SiteStore.restore(
                from: backup, to: configuration.databasePath, siteID: configuration.siteID,
                recoveringFrom: configuration.peerSiteIDs, wallClock: SiteConfiguration.wallClock(), maximumDrift: configuration.maximumDrift,
                keepingFastChanges: keepingFastChanges, keepingUnstampedWrites: keepingUnstampedWrites)
        }
    }
}
