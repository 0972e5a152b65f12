import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync appointment show ID`
struct AppointmentShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one appointment.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The appointment's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let appointment = try options.application().appointment(id: id)
            if options.json { return Output.json(appointment) }
            Output.fields([
                ("id", appointment.id), ("patient_id", appointment.patientID), ("patient_name", appointment.patientName),
                ("therapist", appointment.therapist), ("site", appointment.site), ("starts_at", appointment.startsAt),
                ("minutes", appointment.minutes.map(String.init)), ("units", appointment.units.map(String.init)),
                ("status", appointment.status), ("prescription_id", appointment.prescriptionID),
                ("body_region", appointment.bodyRegion), ("notes", appointment.notes),
            ])
        }
    }
}
