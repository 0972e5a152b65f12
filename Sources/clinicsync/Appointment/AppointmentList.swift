import ArgumentParser
import ClinicSyncStore

/// `clinicsync appointment list`
struct AppointmentList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List appointments by start time.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let records = try options.openStoreReadOnly().appointments()
            if options.json { return try Output.json(records) }
            Output.table(
                ["ID", "STARTS_AT", "MIN", "UNITS", "STATUS", "SITE", "THERAPIST", "PATIENT_ID"],
                records.map { record in
                    [record.id, record.startsAt ?? "-", record.minutes.map(String.init) ?? "-",
                     record.units.map(String.init) ?? "-", record.status ?? "-", record.site ?? "-",
                     record.therapist ?? "-", record.patientID ?? "-"]
                })
        }
    }
}
