import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync prescription show ID`
struct PrescriptionShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one prescription, its usage and the visits linked to it at every site.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The prescription's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let view = try options.application().prescription(id: id)
            if options.json { return Output.json(view) }
            var fields: [(String, String?)] = [
                ("id", view.id), ("patient_id", view.patientID), ("patient_name", view.patientName),
                ("prescriber", view.prescriber), ("prescriber_npi", view.prescriberNPI), ("diagnosis", view.diagnosis),
                ("icd10_codes", view.icd10Codes.joined(separator: ", ")),
                ("visits_authorized", view.visitsAuthorized.map(String.init) ?? "unlimited"),
                ("visits_used", view.visitsUsed.map(String.init)),
                ("units_per_visit", view.unitsPerVisit.map(String.init)), ("frequency", UsageText.frequency(view)),
                ("body_regions", view.bodyRegions.isEmpty ? "any" : view.bodyRegions.joined(separator: ", ")),
            ]
            if let legacy = view.bodyRegion { fields.append(("body_region", "\(legacy) (free text from before regions were checked)")) }
            fields += [
                ("lmn_received_on", view.lmnReceivedOn), ("lmn_reference", view.lmnReference),
                ("issued_on", view.issuedOn), ("expires_on", view.expiresOn),
                ("payer", view.payer), ("member_id", view.memberID), ("notes", view.notes),
                ("usage", view.usage.map(UsageText.summary)),
                ("letter", view.usage.map { UsageText.letter($0.letter) }),
            ]
            Output.fields(fields)
            guard let usage = view.usage, !usage.appointments.isEmpty else { return }
            print("")
            Output.table(
                ["APPOINTMENT", "SITE", "DATE", "STARTS_AT", "STATUS", "UNITS"],
                usage.appointments.map { [$0.id, $0.site, $0.date, $0.startsAt, $0.status, String($0.units)] })
        }
    }
}
