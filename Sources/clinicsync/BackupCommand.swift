import ArgumentParser

/// `clinicsync backup --to FILE`
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live database consistently (SQLite online backup), even while the daemon runs.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The new backup file (must not exist).") var to: String

    func run() throws {
        try reportingFailures {
            let store = try options.openStoreReadOnly()
            try store.backup(to: to)
            if options.json { return try Output.json(["backup": to]) }
            print("Backed up \(store.path) to \(to).")
        }
    }
}
