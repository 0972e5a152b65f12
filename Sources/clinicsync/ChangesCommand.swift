import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync changes`: the site's change log.
struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Print the change log: one entry per row write or delete, captured here or received, in timestamp order.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only entries of this origin site (\(ArgumentForm.siteID)).") var origin: SiteID?
    @Option(help: "Only entries numbered above this in their origin's sequence.") var since: Int64 = 0
    @Option(help: "At most this many entries.") var limit: Int = 1000

    func validate() throws {
        guard since >= 0 else { throw ValidationError("--since: must be 0 or a sequence number") }
        guard limit > 0 else { throw ValidationError("--limit: must be at least 1") }
    }

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let entries = try options.application().changes(origin: origin, after: since == 0 ? Int64.min : since, limit: limit)
            if options.json { return Output.json(entries) }
            Output.table(
                ["ORIGIN", "SEQ", "TIMESTAMP", "TABLE", "ROW_ID", "CHANGE"],
                entries.map { entry in
                    let change =
                        entry.values.map { values in
                            values.keys.sorted().map { "\($0)=\(values[$0]!.value)" }.joined(separator: " ")
                        } ?? "(row deleted)"
                    return [entry.origin, String(entry.sequence), entry.timestamp, entry.table, entry.rowID, change]
                })
        }
    }
}
