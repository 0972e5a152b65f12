import ArgumentParser
import ClinicSyncCore
import ClinicSyncStore

/// `clinicsync changes`: the site's change log.
struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Print the change log: one entry per row write or delete, captured here or received, in timestamp order.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only entries of this origin site.") var origin: String?
    @Option(help: "Only entries numbered above this in their origin's sequence.") var since: Int64 = 0
    @Option(help: "At most this many entries.") var limit: Int = 1000

    struct Entry: Encodable {
        let origin: String
        let seq: Int64
        let hlc: Int64
        let timestamp: String
        let table: String
        let row_id: String
        let operation: String
        let values: [String: FieldValueJSON]?
        let seen: String?
        let base: String?

        init(_ change: Change) {
            origin = change.origin.rawValue
            seq = change.sequence
            hlc = change.timestamp.rawValue
            timestamp = change.timestamp.description
            table = change.table.rawValue
            row_id = change.rowID.rawValue
            operation = change.isDelete ? "delete" : "write"
            values = change.isDelete ? nil : Dictionary(uniqueKeysWithValues: change.values.map { ($0.column.name, FieldValueJSON(value: $0.value)) })
            switch change.knowledge {
            case let .vector(vector): (seen, base) = (vector.text, nil)
            case let .legacyBase(stamp): (seen, base) = (nil, stamp?.description)
            }
        }
    }

    func validate() throws {
        guard since >= 0 else { throw ValidationError("--since: must be 0 or a sequence number") }
        guard limit > 0 else { throw ValidationError("--limit: must be at least 1") }
        if let origin, !SiteID.isValid(origin) { throw ValidationError("--origin: not a site id") }
    }

    func run() throws {
        try reportingFailures {
            let site = try origin.map { text throws(ClinicSyncCore.ValidationError) in try SiteID(text) }
            let after = since == 0 ? Int64.min : since
            let entries = try options.openStoreReadOnly().changes(origin: site, after: after, limit: limit).map(Entry.init)
            if options.json { return try Output.json(entries) }
            Output.table(
                ["ORIGIN", "SEQ", "TIMESTAMP", "TABLE", "ROW_ID", "CHANGE"],
                entries.map { entry in
                    let change = entry.values.map { values in
                        values.keys.sorted().map { "\($0)=\(String(describing: values[$0]!.value))" }.joined(separator: " ")
                    } ?? "(row deleted)"
                    return [entry.origin, String(entry.seq), entry.timestamp, entry.table, entry.row_id, change]
                })
        }
    }
}
