import ArgumentParser
import ClinicSyncDaemon

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
        try reportingFailures { () throws(ApplicationError) in
            let result = try options.application().restore(
                from: from, keepingFastChanges: keepFastChanges, keepingUnstampedWrites: keepUnstampedWrites)
            if options.json { return Output.json(result) }
            print("Restored \(result.database) from \(result.restoredFrom).")
            if let replaced = result.replacedDatabase { print("The replaced database is kept at \(replaced).") }
            if result.recoveringFrom.isEmpty {
                print("No peers are configured: changes made after the backup cannot be recovered.")
            } else {
                print("Sync with \(result.recoveringFrom.joined(separator: ", ")) to get back the changes made after the backup.")
            }
        }
    }
}
