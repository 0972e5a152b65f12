import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync coverage delete ID`
struct CoverageDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a coverage check entered in error, at every site (deletes are final).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The check's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            try options.application().deleteCoverageCheck(id: id, force: write.force)
            if options.json { return Output.json(["deleted": id.rawValue]) }
            print("Deleted coverage check \(id).")
        }
    }
}
