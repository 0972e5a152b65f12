import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync conflicts`: values discarded by concurrent writes, kept for an operator to review.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Print the conflict journal: values overwritten by a write made without knowledge of them.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let entries = try options.application().conflicts()
            if options.json { return Output.json(entries) }
            Output.table(
                ["TABLE", "ROW_ID", "COLUMN", "LOST_VALUE", "LOST_AT", "WON_BY"],
                entries.map { entry in
                    [
                        entry.table, entry.rowID, entry.column, "\(entry.loserValue.value)",
                        "\(entry.loserTimestamp)@\(entry.loserOrigin)",
                        (entry.winnerDeleted ? "delete " : "") + "\(entry.winnerTimestamp)@\(entry.winnerOrigin)",
                    ]
                })
        }
    }
}
