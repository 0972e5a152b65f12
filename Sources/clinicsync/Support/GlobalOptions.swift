import ArgumentParser
import ClinicSyncDaemon
import ClinicSyncStore
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site's YAML configuration file.", valueName: "path"))
    var config: String = ProcessInfo.processInfo.environment["CLINICSYNC_CONFIG"] ?? "/etc/clinicsync/clinicsync.yaml"

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    /// The validated configuration.
    func loadConfiguration() throws(CommandFailure) -> SiteConfiguration {
        do { return try SiteConfiguration(path: config) } catch { throw CommandFailure(error) }
    }

    /// The site's open store, for commands that write.
    func openStore() throws(CommandFailure) -> SiteStore {
        let configuration = try loadConfiguration()
        do { return try configuration.openStore() } catch { throw CommandFailure(error) }
    }

    /// The site's store opened for reading only, for commands that only read: they never write
    /// to the database, never wait behind the daemon's writes, and work for a user who may only read it.
    func openStoreReadOnly() throws(CommandFailure) -> SiteStore {
        let configuration = try loadConfiguration()
        do { return try configuration.openStoreReadOnly() } catch { throw CommandFailure(error) }
    }
}

/// Options of the commands that write records.
struct RecordWriteOptions: ParsableArguments {
    @Flag(name: .long, help: "Write even though the site's clock runs ahead of its wall clock (the change is held at every peer until real time catches up; see `clinicsync clock recover`).")
    var force = false

    /// The site's open store, refused while its clock runs ahead beyond the drift bound (unless `--force`).
    func openStore(_ options: GlobalOptions) throws(CommandFailure) -> SiteStore {
        let configuration = try options.loadConfiguration()
        do { return try configuration.openStoreForRecordWrites(force: force) } catch { throw CommandFailure(error) }
    }
}
