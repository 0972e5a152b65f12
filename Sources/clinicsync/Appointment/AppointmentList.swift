import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync appointment list`
struct AppointmentList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List appointments by start time.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let appointments = try options.application().appointments()
            if options.json { return Output.json(appointments) }
            Output.table(
                ["ID", "STARTS_AT", "MIN", "UNITS", "STATUS", "SITE", "THERAPIST", "PATIENT_ID"],
                appointments.map { appointment in
                    [
                        appointment.id, appointment.startsAt ?? "-", appointment.minutes.map(String.init) ?? "-",
                        appointment.units.map(String.init) ?? "-", appointment.status ?? "-", appointment.site ?? "-",
                        appointment.therapist ?? "-", appointment.patientID ?? "-",
                    ]
                })
        }
    }
}
