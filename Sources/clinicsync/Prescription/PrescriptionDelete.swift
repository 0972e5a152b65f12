import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync prescription delete ID`
struct PrescriptionDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a prescription at every site (deletes are final).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The prescription's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            try options.application().deletePrescription(id: id, force: write.force)
            if options.json { return Output.json(["deleted": id.rawValue]) }
            print("Deleted prescription \(id).")
        }
    }
}
