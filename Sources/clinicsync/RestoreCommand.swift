import ArgumentParser
import ClinicSyncDaemon
import Foundation

/// `clinicsync restore --from FILE`
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring the site back from a backup and recover from its peers the changes it made after it.",
        discussion: """
            Stop the daemon first. The current database is kept beside the restored one as \
            <database>.replaced-<time>. The site then gets back, from each configured peer, every change \
            it made after the backup (start the daemon or run `clinicsync sync now`); `status` lists the \
            peers it still waits for. It keeps working meanwhile, and never reuses a change number. A \
            backup taken while the site's clock ran fast is refused (if `clock recover` ran since, its \
            peers hold those changes with other stamps); --keep-fast-changes restores it when no \
            recovery ran since. A backup made by ClinicSync 1 holding writes by other programs it had not \
            recorded yet is refused too; --keep-unstamped-writes restores it when the lost site never ran \
            this version.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The backup file, made by `clinicsync backup`.") var from: String
    @Flag(help: "Restore a backup holding changes stamped far ahead (taken while the clock ran fast), when `clock recover` has not run since.")
    var keepFastChanges = false
    @Flag(help: "Restore a ClinicSync 1 backup holding writes it had not recorded yet, when the lost site never ran this version.")
    var keepUnstampedWrites = false

    func run() throws {
        try reportingFailures {
            let configuration = try options.loadConfiguration()
            let outcome = try Restore.run(configuration: configuration, from: from, keepingFastChanges: keepFastChanges,
                                      keepingUnstampedWrites: keepUnstampedWrites)
            if options.json {
                return try Output.json(RestoreReport(
                    restored_from: from, database: configuration.databasePath, replaced_database: outcome.replacedDatabase,
                    backup_sequence: outcome.backupSequence, next_sequence: outcome.nextSequence,
                    recovering_from: outcome.recoveringFrom.map(\.rawValue)))
            }
            print("Restored \(configuration.databasePath) from \(from).")
            if let replaced = outcome.replacedDatabase { print("The replaced database is kept at \(replaced).") }
            if outcome.recoveringFrom.isEmpty {
                print("No peers are configured: changes made after the backup cannot be recovered.")
            } else {
                print("Sync with \(outcome.recoveringFrom.map(\.rawValue).joined(separator: ", ")) to get back the changes made after the backup.")
            }
        }
    }

    struct RestoreReport: Encodable {
        let restored_from: String
        let database: String
        let replaced_database: String?
        let backup_sequence: Int64
        let next_sequence: Int64
        let recovering_from: [String]
    }
}
