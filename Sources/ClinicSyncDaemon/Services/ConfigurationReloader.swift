import ClinicSyncCore
import ClinicSyncSync
import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration on SIGHUP (`systemctl reload`): peers added or removed, new limits.
/// The store stays open; listen addresses and the database path need a restart. A configuration
/// that does not load is logged and ignored, and the daemon keeps its current one.
struct ConfigurationReloader: Service {
    let path: String
    let coordinator: SyncCoordinator
    let peers: PeerDirectory
    let chains: CurrentChains
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            notifier.notify("RELOADING=1")
            await reload()
            notifier.notify("READY=1")
        }
    }

    /// Reads the configuration file again and hands its peers, fleet keys and limits to the
    /// coordinator and the peer API; a file that does not load changes nothing.
    func reload() async {
        do {
            let configuration = try SiteConfiguration(path: path)
            let newChains = try SiteChains(configuration: configuration)
            await coordinator.reload(configuration, chains: newChains)
            chains.replace(with: newChains)
            peers.replace(with: configuration.peerDirectoryEntries)
            logger.notice("configuration reloaded", metadata: ["peers": "\(configuration.peers.map(\.name).joined(separator: ","))"])
        } catch {
            logger.error("configuration reload failed; keeping the current one", metadata: ["error": "\(error)"])
        }
    }
}
