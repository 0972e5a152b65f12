import ArgumentParser

/// `clinicsync prescription show ID`
struct PrescriptionShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one prescription and the visits booked against it at every site.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The prescription's id.") var id: String

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        try reportingFailures {
            let store = try options.openStoreReadOnly()
            guard let record = try store.prescription(id: rowID) else {
                throw CommandFailure(message: "no prescription with id \(rowID)", status: ExitStatus.notFound)
            }
            let view = PrescriptionJSON(record, visitsUsed: try store.visitsUsed(prescriptionID: rowID))
            if options.json { return try Output.json(view) }
            Output.fields([
                ("id", view.id), ("patient_id", view.patient_id), ("patient_name", view.patient_name),
                ("prescriber", view.prescriber), ("prescriber_npi", view.prescriber_npi), ("diagnosis", view.diagnosis),
                ("icd10_codes", view.icd10_codes.joined(separator: ", ")),
                ("visits_authorized", view.visits_authorized.map(String.init) ?? "unlimited"),
                ("visits_used", view.visits_used.map(String.init)),
                ("units_per_visit", view.units_per_visit.map(String.init)), ("frequency", view.frequency),
                ("body_region", view.body_region), ("issued_on", view.issued_on), ("expires_on", view.expires_on),
                ("payer", view.payer), ("member_id", view.member_id), ("notes", view.notes),
            ])
        }
    }
}
