import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync conflicts`: values discarded by concurrent writes, kept for an operator to review.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "The conflict journal: values overwritten by a write made without knowledge of them, to review and settle.",
        subcommands: [ConflictsList.self, ConflictsResolve.self], defaultSubcommand: ConflictsList.self)
}

/// `clinicsync conflicts [list]`
struct ConflictsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List entries no one has reviewed yet (the default subcommand).")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Every entry, reviewed ones with their review.") var all = false

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let entries = try options.application().conflicts(all: all)
            if options.json { return Output.json(entries) }
            if entries.isEmpty { return print(all ? "The conflict journal is empty." : "No conflicts to review.") }
            // Values are shown to the operator at the terminal (names included); they are never logged.
            Output.table(
                ["ID", "TABLE", "ROW_ID", "COLUMN", "WON_VALUE", "WON_AT", "LOST_VALUE", "LOST_AT", "REVIEW"],
                entries.map { entry in
                    [
                        entry.id, entry.table, entry.rowID, entry.column,
                        entry.winnerDeleted ? "(row deleted)" : entry.winnerValue.map { "\($0.value)" } ?? "NULL",
                        "\(entry.winnerTimestamp)@\(entry.winnerOrigin)", "\(entry.loserValue.value)",
                        "\(entry.loserTimestamp)@\(entry.loserOrigin)",
                        entry.review.map { "\($0.decision ?? "-") by \($0.reviewedBy ?? "-")@\($0.site ?? "-")" } ?? "-",
                    ]
                })
        }
    }
}

/// `clinicsync conflicts resolve ID`
struct ConflictsResolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settle an entry: keep the winning value, write the losing one again, or write a new value; the review syncs to every site.")

    enum Keep: String, CaseIterable, ExpressibleByArgument {
        case winner
        case loser
    }

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The entry's id, as `clinicsync conflicts` prints it.") var id: String
    @Option(help: "Which value the field keeps.") var keep: Keep?
    @Option(help: "A new value for the field instead (\"\" for none; booleans yes or no).") var value: String?
    @Option(help: "Why.") var note: String?
    @Option(help: "Who reviews it (default: the user running this command).") var by: String?

    func validate() throws {
        guard (keep == nil) != (value == nil) else { throw ValidationError("give exactly one of --keep winner|loser and --value") }
    }

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            guard let who = by ?? CoverageDefaults.operatorName(), !who.isEmpty else {
                throw ApplicationError(.usage, "--by: who reviews the entry is required (no user name to default to)")
            }
            let resolution: SiteApplication.ConflictResolution
            switch (keep, value) {
            case (.winner?, _): resolution = .keepWinner
            case (.loser?, _): resolution = .keepLoser
            default: resolution = .value(value ?? "")
            }
            let review = try options.application().resolveConflict(
                id: id, resolution, by: who, note: note.flatMap(optionalText), force: write.force)
            if options.json { return Output.json(review) }
            print("Resolved \(review.entryID): \(review.decision ?? "-").")
        }
    }
}
