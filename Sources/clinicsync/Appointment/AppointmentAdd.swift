import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon
import Foundation

/// `clinicsync appointment add`
struct AppointmentAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Book an appointment; prints its id.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @OptionGroup var booking: BookingOptions
    @Option(name: .customLong("patient-id")) var patientID: String
    @Option(name: .customLong("patient-name")) var patientName: String
    @Option var therapist: String
    @Option(name: .customLong("starts-at"), help: "\(ArgumentForm.dateTime).") var startsAt: UTCDateTime
    @Option(help: "Treatment length in minutes.") var minutes: Int
    @Option(help: "15-minute billing units (default: by the 8-minute rule).") var units: Int?
    @Option(help: "Where the visit takes place (default: this site's id).") var site: String?
    @Option(help: "The visit's state.") var status: AppointmentStatus = .scheduled
    @Option(name: .customLong("prescription"), help: "The prescription the visit is billed against (\(ArgumentForm.rowID)).")
    var prescriptionID: RowID?
    @Option(name: .customLong("body-region"), help: "What will be treated: \(ArgumentForm.region).") var bodyRegion: BodyRegion?
    @Option var notes: String?
    @Option(help: "A UUID to use instead of a new one.") var id: RowID?

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let application = try options.application()
            let appointment = Appointment(
                id: id ?? .new(), patientID: patientID, patientName: patientName, therapist: therapist,
                site: site ?? application.siteID.rawValue,
                startsAt: startsAt, minutes: minutes, units: units, status: status, prescriptionID: prescriptionID,
                bodyRegion: bodyRegion, notes: notes.flatMap(optionalText))
            let booked = try application.addAppointment(appointment, force: write.force, strict: booking.strict)
            booking.warn(booked.warnings)
            if options.json { return Output.json(booked) }
            print(booked.id)
        }
    }
}
