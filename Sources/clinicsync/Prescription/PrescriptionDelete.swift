import ArgumentParser

/// `clinicsync prescription delete ID`
struct PrescriptionDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a prescription at every site (deletes are final).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The prescription's id.") var id: String

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        try reportingFailures {
            try write.openStore(options).deletePrescription(id: rowID)
            if options.json { return try Output.json(["deleted": rowID.rawValue]) }
            print("Deleted prescription \(rowID).")
        }
    }
}
