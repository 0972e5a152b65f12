import ArgumentParser
import ClinicSyncCore
import Foundation

/// `clinicsync appointment add`
struct AppointmentAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Book an appointment; prints its id.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Option(name: .customLong("patient-id")) var patientID: String
    @Option(name: .customLong("patient-name")) var patientName: String
    @Option var therapist: String
    @Option(name: .customLong("starts-at"), help: "ISO 8601 with a zone, e.g. 2026-11-26T14:30:00Z.") var startsAt: String
    @Option(help: "Treatment length in minutes.") var minutes: Int
    @Option(help: "15-minute billing units (default: by the 8-minute rule).") var units: Int?
    @Option(help: "Where the visit takes place (default: this site's id).") var site: String?
    @Option(help: "scheduled, checked_in, completed, cancelled or no_show.") var status: String = "scheduled"
    @Option(name: .customLong("prescription"), help: "The prescription the visit is billed against.") var prescriptionID: String?
    @Option var notes: String?
    @Option(help: "A UUID to use instead of a new one.") var id: String?

    func run() throws {
        let appointment = Appointment(
            id: try Parse.rowID(id ?? UUID().uuidString, flag: "--id"),
            patientID: patientID, patientName: patientName, therapist: therapist, site: site ?? "",
            startsAt: try Parse.dateTime(startsAt, flag: "--starts-at"), minutes: minutes, units: units,
            status: try Parse.status(status),
            prescriptionID: try prescriptionID.map { try Parse.rowID($0, flag: "--prescription") },
            notes: notes.flatMap(Parse.optionalText))
        try reportingFailures {
            let store = try write.openStore(options)
            var booked = appointment
            if site == nil { booked.site = store.siteID.rawValue }
            try store.addAppointment(booked)
            if options.json { return try Output.json(["id": booked.id.rawValue]) }
            print(booked.id.rawValue)
        }
    }
}
