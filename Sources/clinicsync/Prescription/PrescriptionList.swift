import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync prescription list`
struct PrescriptionList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List prescriptions by expiry date.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let prescriptions = try options.application().prescriptions()
            if options.json { return Output.json(prescriptions) }
            Output.table(
                ["ID", "PATIENT_ID", "ICD10", "VISITS", "ISSUED_ON", "EXPIRES_ON", "PAYER"],
                prescriptions.map { row in
                    [
                        row.id, row.patientID ?? "-", row.icd10Codes.joined(separator: ","),
                        row.visitsAuthorized.map(String.init) ?? "unlimited", row.issuedOn ?? "-",
                        row.expiresOn ?? "-", row.payer ?? "-",
                    ]
                })
        }
    }
}
