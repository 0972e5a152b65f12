import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync coverage show ID`
struct CoverageShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one coverage check.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The check's id (\(ArgumentForm.rowID)).") var id: RowID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let check = try options.application().coverageCheck(id: id)
            if options.json { return Output.json(check) }
            Output.fields([
                ("id", check.id), ("patient_id", check.patientID), ("payer", check.payer), ("member_id", check.memberID),
                ("checked_on", check.checkedOn), ("checked_by", check.checkedBy), ("site", check.site),
                ("reference_number", check.referenceNumber), ("rep_name", check.repName), ("covered", CoverageText.yesNo(check.covered)),
                ("requires_prescription", CoverageText.yesNo(check.requiresPrescription)),
                ("requires_lmn", CoverageText.yesNo(check.requiresLMN)),
                ("qualifying_icd10", check.qualifyingICD10.isEmpty ? "any" : check.qualifyingICD10.joined(separator: ", ")),
                ("visit_limit", CoverageText.visitLimit(check)), ("plan_year_start", check.planYearStart),
                ("units_per_visit_limit", check.unitsPerVisitLimit.map(String.init)), ("authorization_number", check.authorizationNumber),
                ("valid_from", check.validFrom), ("valid_until", check.validUntil),
                ("in_network_sites", check.inNetworkSites.isEmpty ? "every site" : check.inNetworkSites.joined(separator: ", ")),
                ("notes", check.notes), ("in_force", check.inForce ? "yes" : "no (a newer check of this patient and payer is in force)"),
            ])
        }
    }
}

/// How the text output spells a check's fields.
enum CoverageText {
    static func yesNo(_ flag: Bool?) -> String { flag.map { $0 ? "yes" : "no" } ?? "-" }

    static func visitLimit(_ check: CoverageCheckView) -> String {
        guard let limit = check.visitLimit else { return "unlimited" }
        return check.visitLimitPeriod == "authorization" ? "\(limit) per authorization" : "\(limit) per plan year"
    }
}
