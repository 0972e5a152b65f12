import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync compact`
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Drop change-log entries that every site of the fleet holds and no site can need.",
        discussion: "The daemon does this every compaction.interval_seconds; see the README, Change-log growth.")

    @OptionGroup var options: GlobalOptions

    struct CompactionReport: Encodable {
        let removed: Int
        let remaining: Int
        /// Why compaction stopped short, when the fleet's state held it back.
        let waiting: String?
    }

    func run() throws {
        try reportingFailures {
            let configuration = try options.loadConfiguration()
            let store = try configuration.openStore()
            let before = try store.changeLogCount()
            let outcome = try Compaction.run(configuration: configuration, store: store)
            if options.json {
                return try Output.json(CompactionReport(removed: outcome.removed, remaining: before - outcome.removed, waiting: outcome.blocked))
            }
            print("Removed \(outcome.removed) of \(before) change-log entries.")
            if let waiting = outcome.blocked { print("Compaction is held back: \(waiting).") }
        }
    }
}
