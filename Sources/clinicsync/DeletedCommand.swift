import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon
import ClinicSyncStore
import Foundation

/// `clinicsync deleted ...`: the trash. Deletes are final for the row's id, but what a delete
/// removed stays listed, and can be re-created as a new row.
struct DeletedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deleted",
        abstract: "List what deletes removed, and re-create a deleted appointment or prescription as a new row.",
        subcommands: [DeletedList.self, DeletedShow.self, DeletedRestore.self])

    /// A removed row as printed: when and where it was deleted, and its last values.
    struct Entry: Encodable {
        let table: String
        let id: String
        let deleted_at: String
        let deleted_hlc: Int64
        let deleted_by: String
        let values: [String: FieldValueJSON]

        init(_ row: RemovedRow) {
            table = row.table.rawValue
            id = row.rowID.rawValue
            deleted_at = DeletedCommand.wallTime(row.delete.timestamp)
            deleted_hlc = row.delete.timestamp.rawValue
            deleted_by = row.delete.origin.rawValue
            values = Dictionary(uniqueKeysWithValues: row.values.map { ($0.key.name, FieldValueJSON(value: $0.value)) })
        }

        /// The row's columns in schema order, with their last values (`-` where none is held).
        var fields: [(String, String?)] {
            let columns = SyncedTable(rawValue: table)?.columns ?? []
            return columns.map { column in (column.name, values[column.name].map { Self.text($0.value) } ?? "-") }
        }

        static func text(_ value: FieldValue) -> String {
            switch value {
            case .null: return ""
            case let .integer(number): return String(number)
            case let .text(text): return text
            }
        }
    }

    /// A timestamp's wall-clock part, in UTC.
    static func wallTime(_ timestamp: HybridTimestamp) -> String {
        let date = Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
        return date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}

/// `clinicsync deleted list`
struct DeletedList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List deleted appointments and prescriptions, the most recently deleted first.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this table: appointments or prescriptions.") var table: String?

    func run() throws {
        let only = try table.map { name in
            guard let table = SyncedTable(rawValue: name) else {
                throw ArgumentParser.ValidationError("--table: must be appointments or prescriptions")
            }
            return table
        }
        try reportingFailures {
            let entries = try options.openStoreReadOnly().removedRows().filter { only == nil || $0.table == only }.map(DeletedCommand.Entry.init)
            if options.json { return try Output.json(entries) }
            Output.table(["TABLE", "ID", "DELETED_AT", "BY", "PATIENT_ID", "STARTS_AT_OR_ISSUED_ON"], entries.map { entry in
                let when = entry.values["starts_at"] ?? entry.values["issued_on"]
                return [entry.table, entry.id, entry.deleted_at, entry.deleted_by,
                        entry.values["patient_id"].map { DeletedCommand.Entry.text($0.value) } ?? "-",
                        when.map { DeletedCommand.Entry.text($0.value) } ?? "-"]
            })
        }
    }
}

/// `clinicsync deleted show ID`
struct DeletedShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a deleted row's last values.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The deleted row's id.") var id: String

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        try reportingFailures {
            guard let row = try options.openStoreReadOnly().removedRow(id: rowID) else { throw StoreError.notDeleted(id: rowID) }
            let entry = DeletedCommand.Entry(row)
            if options.json { return try Output.json(entry) }
            Output.fields([("table", entry.table), ("id", entry.id), ("deleted_at", entry.deleted_at), ("deleted_by", entry.deleted_by)]
                + entry.fields)
        }
    }
}

/// `clinicsync deleted restore ID`
struct DeletedRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Re-create a deleted appointment or prescription as a new row; prints its id.",
        discussion: """
            The new row has the deleted row's last values and a new id (deletes are final for the old \
            id); it is checked like any new row and reaches the other sites with the next sync. The new \
            id is derived from the old one, so restoring the same row twice, or at two sites, makes one \
            row. An appointment whose prescription was deleted too: restore the prescription first, \
            then the appointment with --prescription and the prescription's new id (or none).
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The deleted row's id.") var id: String
    @Option(name: .customLong("new-id"), help: "A UUID for the new row instead of the one derived from the old id.") var newID: String?
    @Option(help: ArgumentHelp("For an appointment: link it to this prescription instead, or `none`.", valueName: "id|none"))
    var prescription: String?
    @OptionGroup var write: RecordWriteOptions

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        let replacement = try newID.map { try Parse.rowID($0, flag: "--new-id") } ?? RemovedRowRestore.replacementID(for: rowID)
        let link: SiteStore.RestoredLink = try prescription.map { text in
            text == "none" ? .unlink : .to(try Parse.rowID(text, flag: "--prescription"))
        } ?? .keep
        try reportingFailures {
            let removed = try write.openStore(options).restoreRemovedRow(id: rowID, as: replacement, link: link)
            if options.json {
                return try Output.json(["id": replacement.rawValue, "restored_from": rowID.rawValue, "table": removed.table.rawValue])
            }
            print(replacement.rawValue)
        }
    }
}
