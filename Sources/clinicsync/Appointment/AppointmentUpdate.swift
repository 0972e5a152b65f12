import ArgumentParser
import ClinicSyncCore

/// `clinicsync appointment update ID`
struct AppointmentUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change fields of an appointment; only changed fields are synced.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The appointment's id.") var id: String
    @Option var status: String?
    @Option(name: .customLong("starts-at")) var startsAt: String?
    @Option var therapist: String?
    @Option var minutes: Int?
    @Option var units: Int?
    @Option var site: String?
    @Option(name: .customLong("patient-id")) var patientID: String?
    @Option(name: .customLong("patient-name")) var patientName: String?
    @Option(name: .customLong("prescription"), help: "Link to a prescription (\"\" unlinks).") var prescriptionID: String?
    @Option(help: "New notes (\"\" clears them).") var notes: String?

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        let newStatus = try status.map(Parse.status)
        let newStart = try startsAt.map { try Parse.dateTime($0, flag: "--starts-at") }
        let newPrescription: RowID?? = try prescriptionID.map { text in
            text.isEmpty ? nil : try Parse.rowID(text, flag: "--prescription")
        }
        let (therapist, minutes, units, site, patientID, patientName, notes) =
            (therapist, minutes, units, site, patientID, patientName, notes)
        let textsGiven = [therapist, site, patientID, patientName, notes].contains { $0 != nil }
        let othersGiven = newStatus != nil || newStart != nil || minutes != nil || units != nil || newPrescription != nil
        guard textsGiven || othersGiven else {
            throw ValidationError("nothing to change: give at least one of --status, --starts-at, --therapist, --minutes, --units, --site, --patient-id, --patient-name, --prescription, --notes")
        }
        try reportingFailures {
            let record = try write.openStore(options).updateAppointment(id: rowID) { appointment in
                if let newStatus { appointment.status = newStatus }
                if let newStart { appointment.startsAt = newStart }
                if let therapist { appointment.therapist = therapist }
                if let minutes {
                    appointment.minutes = minutes
                    if units == nil { appointment.units = BillingUnits.forTreatment(minutes: minutes) }
                }
                if let units { appointment.units = units }
                if let site { appointment.site = site }
                if let patientID { appointment.patientID = patientID }
                if let patientName { appointment.patientName = patientName }
                if let newPrescription { appointment.prescriptionID = newPrescription }
                if let notes { appointment.notes = Parse.optionalText(notes) }
            }
            if options.json { return try Output.json(record) }
            print("Updated appointment \(record.id).")
        }
    }
}
