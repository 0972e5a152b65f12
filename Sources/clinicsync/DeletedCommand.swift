import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync deleted ...`: the trash. Deletes are final for the row's id, but what a delete
/// removed stays listed, and can be re-created as a new row.
struct DeletedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deleted",
        abstract: "List what deletes removed, and re-create a deleted appointment or prescription as a new row.",
        subcommands: [DeletedList.self, DeletedShow.self, DeletedRestore.self])
}

/// `clinicsync deleted list`
struct DeletedList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List deleted rows (appointments, prescriptions, coverage checks), the most recently deleted first.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this table.") var table: SyncedTable?

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let rows = try options.application().deletedRows(table: table)
            if options.json { return Output.json(rows) }
            Output.table(
                ["TABLE", "ID", "DELETED_AT", "BY", "PATIENT_ID", "DATE"],
                rows.map { row in
                    // The date a person knows the row by: the visit, the prescription, the call.
                    let when = row.values["starts_at"] ?? row.values["issued_on"] ?? row.values["checked_on"]
                    return [
                        row.table, row.id, row.deletedAt, row.deletedBy,
                        row.values["patient_id"].map(Output.text) ?? "-", when.map(Output.text) ?? "-",
                    ]
                })
        }
    }
}

/// `clinicsync deleted show ID`
struct DeletedShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a deleted row's last values.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The deleted row's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let row = try options.application().deletedRow(id: id)
            if options.json { return Output.json(row) }
            let values = row.columns.map { column in (column, row.values[column].map(Output.text) ?? "-") }
            Output.fields([("table", row.table), ("id", row.id), ("deleted_at", row.deletedAt), ("deleted_by", row.deletedBy)] + values)
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
    @Argument(help: "The deleted row's id (\(ArgumentForm.rowID)).") var id: RowID
    @Option(name: .customLong("new-id"), help: "A UUID for the new row instead of the one derived from the old id.") var newID: RowID?
    @Option(help: ArgumentHelp("For an appointment: link it to this prescription instead, or `none`.", valueName: "id|none"))
    var prescription: PrescriptionLinkArgument?
    @OptionGroup var write: RecordWriteOptions

    func run() throws {
        let link: SiteApplication.RestoredLink
        switch prescription {
        case nil: link = .keep
        case .none?: link = .unlink
        case let .to(prescriptionID)?: link = .to(prescriptionID)
        }
        try reportingFailures { () throws(ApplicationError) in
            let restored = try options.application().restoreDeletedRow(id: id, as: newID, link: link, force: write.force)
            if options.json { return Output.json(restored) }
            print(restored.id)
        }
    }
}
