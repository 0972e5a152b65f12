import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync appointment delete ID`
struct AppointmentDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an appointment at every site (deletes are final).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The appointment's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            try options.application().deleteAppointment(id: id, force: write.force)
            if options.json { return Output.json(["deleted": id.rawValue]) }
            print("Deleted appointment \(id).")
        }
    }
}
