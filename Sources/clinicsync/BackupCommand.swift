import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync backup --to FILE`
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live database consistently (SQLite online backup), even while the daemon runs.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The new backup file (must not exist).") var to: String

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let result = try options.application().backup(to: to)
            if options.json { return Output.json(result) }
            print("Backed up \(result.database) to \(result.backup).")
        }
    }
}
