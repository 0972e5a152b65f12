import ClinicSyncCore
import ClinicSyncStore

/// `clinicsync clock recover`: after the site's wall clock ran fast and was corrected, its changes
/// stamped ahead get new timestamps so peers stop holding them (see ``SiteStore/recoverFromFastClock()``).
enum ClockRecover {
    /// Recovers `configuration`'s site; refused while the daemon (or a sync round) uses the database.
    static func run(configuration: SiteConfiguration) throws -> ClockRecovery {
        try OfflineOperation.run(configuration: configuration, whileRunning: DaemonError.clockRecoveryWhileRunning) {
            try configuration.openStore().recoverFromFastClock()
        }
    }
}

extension SiteStore {
    /// Refuses a record write while a change made now would be held at every peer (see
    /// ``clockProblem(configuredPeers:)``), unless `force`.
    func checkClockNotAhead(configuredPeers: [SiteID], force: Bool) throws(StoreError) {
        guard !force, let problem = try clockProblem(configuredPeers: configuredPeers) else { return }
        throw .clockAhead(problem, bound: try agreedDrift(configuredPeers: configuredPeers))
    }
}
