import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync appointment update ID`
struct AppointmentUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change fields of an appointment; only changed fields are synced.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @OptionGroup var booking: BookingOptions
    @Argument(help: "The appointment's id (\(ArgumentForm.rowID)).") var id: RowID
    @Option(help: "The visit's new state.") var status: AppointmentStatus?
    @Option(name: .customLong("starts-at"), help: "\(ArgumentForm.dateTime).") var startsAt: UTCDateTime?
    @Option var therapist: String?
    @Option var minutes: Int?
    @Option var units: Int?
    @Option var site: String?
    @Option(name: .customLong("patient-id")) var patientID: String?
    @Option(name: .customLong("patient-name")) var patientName: String?
    @Option(name: .customLong("prescription"), help: "Link to a prescription (\(ArgumentForm.rowID); \"\" unlinks).")
    var prescription: PrescriptionChangeArgument?
    @Option(name: .customLong("body-region"), help: "What was or will be treated: \(ArgumentForm.region); \"\" clears.")
    var bodyRegion: Clearable<BodyRegion>?
    @Option(help: "New notes (\"\" clears them).") var notes: String?

    func validate() throws {
        let given: [Any?] = [status, startsAt, therapist, minutes, units, site, patientID, patientName, prescription, bodyRegion, notes]
        guard given.contains(where: { $0 != nil }) else {
            throw ValidationError(
                "nothing to change: give at least one of --status, --starts-at, --therapist, --minutes, --units, --site, --patient-id, "
                    + "--patient-name, --prescription, --body-region, --notes"
            )
        }
    }

    func run() throws {
        let newPrescription: RowID?? = prescription.map(\.prescriptionID)
        let (status, startsAt, therapist, minutes, units, site, patientID, patientName, bodyRegion, notes) =
            (status, startsAt, therapist, minutes, units, site, patientID, patientName, bodyRegion, notes)
        try reportingFailures { () throws(ApplicationError) in
            let (updated, warnings) = try options.application().updateAppointment(id: id, force: write.force, strict: booking.strict) {
                appointment in
                if let status { appointment.status = status }
                if let startsAt { appointment.startsAt = startsAt }
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
                if let bodyRegion { appointment.bodyRegion = bodyRegion.value }
                if let notes { appointment.notes = optionalText(notes) }
            }
            booking.warn(warnings)
            if options.json { return Output.json(updated) }
            print("Updated appointment \(updated.id).")
        }
    }
}
