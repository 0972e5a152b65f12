import ArgumentParser
import ClinicSyncCore
import ClinicSyncStore

/// `clinicsync changes`: the site's change log.
struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes", abstract: "Print the change log: every captured and received change, in local order.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only entries after this sequence number.") var since: Int64 = 0
    @Option(help: "At most this many entries.") var limit: Int = 1000

    struct Entry: Encodable {
        let seq: Int64
        let table: String
        let row_id: String
        let operation: String
        let column: String?
        let value: FieldValueJSON?
        let hlc: Int64
        let timestamp: String
        let origin: String
        let base: String?
        let base_hlc: Int64?
        let base_origin: String?

        init(_ entry: ChangeLogEntry) {
            let change = entry.change
            seq = entry.seq
            table = change.table.rawValue
            row_id = change.rowID.rawValue
            operation = change.isDelete ? "delete" : "set"
            column = change.column?.name
            value = change.value.map(FieldValueJSON.init)
            hlc = change.stamp.timestamp.rawValue
            timestamp = change.stamp.timestamp.description
            origin = change.stamp.origin.rawValue
            base = change.base?.description
            base_hlc = change.base?.timestamp.rawValue
            base_origin = change.base?.origin.rawValue
        }
    }

    func validate() throws {
        guard since >= 0 else { throw ValidationError("--since: must be 0 or a sequence number") }
        guard limit > 0 else { throw ValidationError("--limit: must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            let entries = try options.openStore().changes(after: since, limit: limit).map(Entry.init)
            if options.json { return try Output.json(entries) }
            Output.table(
                ["SEQ", "TIMESTAMP", "ORIGIN", "TABLE", "ROW_ID", "COLUMN", "VALUE"],
                entries.map { entry in
                    [String(entry.seq), entry.timestamp, entry.origin, entry.table, entry.row_id,
                     entry.column ?? "(row deleted)", entry.value.map { String(describing: $0.value) } ?? ""]
                })
        }
    }
}
