import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync compact`
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Drop change-log entries that every site of the fleet holds and no site can need.",
        discussion: "The daemon does this every compaction.interval_seconds; see the README, Change-log growth.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let result = try options.application().compact()
            if options.json { return Output.json(result) }
            print("Removed \(result.removed) of \(result.removed + result.remaining) change-log entries.")
            if let waiting = result.waiting { print("Compaction is held back: \(waiting).") }
        }
    }
}
