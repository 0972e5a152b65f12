import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync coverage list`
struct CoverageList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List coverage checks by patient and payer, the one in force first.")

    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("patient-id"), help: "Only this patient's checks.") var patientID: String?

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let checks = try options.application().coverageChecks(patientID: patientID)
            if options.json { return Output.json(checks) }
            Output.table(
                ["ID", "PATIENT_ID", "PAYER", "CHECKED_ON", "COVERED", "VISIT_LIMIT", "VALID_UNTIL", "IN_FORCE"],
                checks.map { check in
                    [
                        check.id, check.patientID ?? "-", check.payer ?? "-", check.checkedOn ?? "-", CoverageText.yesNo(check.covered),
                        CoverageText.visitLimit(check), check.validUntil ?? "-", check.inForce ? "yes" : "no",
                    ]
                })
        }
    }
}
