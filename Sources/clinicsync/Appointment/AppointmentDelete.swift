import ArgumentParser

/// `clinicsync appointment delete ID`
struct AppointmentDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an appointment at every site (deletes are final).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The appointment's id.") var id: String

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        try reportingFailures {
            try write.openStore(options).deleteAppointment(id: rowID)
            if options.json { return try Output.json(["deleted": rowID.rawValue]) }
            print("Deleted appointment \(rowID).")
        }
    }
}
