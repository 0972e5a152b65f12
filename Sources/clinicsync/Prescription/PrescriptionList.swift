import ArgumentParser

/// `clinicsync prescription list`
struct PrescriptionList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List prescriptions by expiry date.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let records = try options.openStoreReadOnly().prescriptions()
            if options.json { return try Output.json(records.map { PrescriptionJSON($0) }) }
            Output.table(
                ["ID", "PATIENT_ID", "ICD10", "VISITS", "ISSUED_ON", "EXPIRES_ON", "PAYER"],
                records.map { PrescriptionJSON($0) }.map { row in
                    [row.id, row.patient_id ?? "-", row.icd10_codes.joined(separator: ","),
                     row.visits_authorized.map(String.init) ?? "unlimited", row.issued_on ?? "-",
                     row.expires_on ?? "-", row.payer ?? "-"]
                })
        }
    }
}
