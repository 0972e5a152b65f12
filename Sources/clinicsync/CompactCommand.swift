import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync compact`
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Drop change-log entries that every peer has acknowledged and no site can need.",
        discussion: "The daemon does this every compaction.interval_seconds; see the README, Change-log growth.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let configuration = try options.loadConfiguration()
            let store = try configuration.openStore()
            let before = try store.changeLogCount()
            let removed = try Compaction.run(configuration: configuration, store: store)
            if options.json { return try Output.json(["removed": removed, "remaining": before - removed]) }
            print("Removed \(removed) of \(before) change-log entries.")
        }
    }
}
