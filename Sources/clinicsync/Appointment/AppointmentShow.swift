import ArgumentParser

/// `clinicsync appointment show ID`
struct AppointmentShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one appointment.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The appointment's id.") var id: String

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        try reportingFailures {
            guard let record = try options.openStoreReadOnly().appointment(id: rowID) else {
                throw CommandFailure(message: "no appointment with id \(rowID)", status: ExitStatus.notFound)
            }
            if options.json { return try Output.json(record) }
            Output.fields([
                ("id", record.id), ("patient_id", record.patientID), ("patient_name", record.patientName),
                ("therapist", record.therapist), ("site", record.site), ("starts_at", record.startsAt),
                ("minutes", record.minutes.map(String.init)), ("units", record.units.map(String.init)),
                ("status", record.status), ("prescription_id", record.prescriptionID), ("notes", record.notes),
            ])
        }
    }
}
