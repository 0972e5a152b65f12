import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync coverage add`
struct CoverageAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Record a payer's answers to a coverage verification call; prints its id.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Option(name: .customLong("patient-id")) var patientID: String
    @Option var payer: String
    @Option(name: .customLong("member-id")) var memberID: String
    @Option(name: .customLong("checked-on"), help: "The day of the call (\(ArgumentForm.date); default: today).") var checkedOn: CalendarDate?
    @Option(name: .customLong("checked-by"), help: "Who made the call (default: the user running this command).") var checkedBy: String?
    @Option(help: "The call's reference number.") var reference: String?
    @Option(help: "The payer representative's name.") var rep: String?
    @Option(help: "Whether the plan covers the treatment: \(ArgumentForm.yesNo).") var covered: YesNo
    @Option(name: .customLong("requires-prescription"), help: "\(ArgumentForm.yesNo).") var requiresPrescription: YesNo = .yes
    @Option(name: .customLong("requires-lmn"), help: "Whether the payer requires a letter of medical necessity: \(ArgumentForm.yesNo).")
    var requiresLMN: YesNo = .no
    @Option(help: "A qualifying diagnosis code (\(ArgumentForm.icd10)); none: any code.") var icd10: [ICD10Code] = []
    @Option(name: .customLong("visit-limit"), help: "Visits allowed per period (omit for unlimited).") var visitLimit: Int?
    @Option(name: .customLong("visit-limit-period"), help: "What the visit limit counts.") var visitLimitPeriod: CoverageCheck.VisitLimitPeriod =
        .planYear
    @Option(name: .customLong("plan-year-start"), help: "When the plan year begins: \(ArgumentForm.planYearStart).")
    var planYearStart: PlanYearStart = .januaryFirst
    @Option(name: .customLong("units-per-visit-limit"), help: "15-minute units allowed per visit.") var unitsPerVisitLimit: Int?
    @Option(help: "The authorization number, required when the visit limit counts per authorization.") var authorization: String?
    @Option(name: .customLong("valid-from"), help: "\(ArgumentForm.date).") var validFrom: CalendarDate?
    @Option(name: .customLong("valid-until"), help: "\(ArgumentForm.date).") var validUntil: CalendarDate?
    @Option(name: .customLong("in-network"), help: "An in-network site (\(ArgumentForm.siteID)); repeat; none: every site.")
    var inNetwork: [SiteID] = []
    @Option var notes: String?
    @Option(help: "A UUID to use instead of a new one.") var id: RowID?

    func validate() throws {
        guard checkedBy != nil || CoverageDefaults.operatorName() != nil else {
            throw ValidationError("--checked-by: who made the call is required (no user name in the environment to default to)")
        }
    }

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let application = try options.application()
            var check = CoverageCheck(
                id: id ?? .new(), patientID: patientID, payer: payer, memberID: memberID, checkedOn: checkedOn ?? application.today,
                checkedBy: checkedBy ?? CoverageDefaults.operatorName() ?? "", site: application.siteID, covered: covered.isYes,
                requiresPrescription: requiresPrescription.isYes, requiresLMN: requiresLMN.isYes)
            check.referenceNumber = reference.flatMap(optionalText)
            check.repName = rep.flatMap(optionalText)
            check.qualifyingICD10 = Set(icd10)
            check.visitLimit = visitLimit
            check.visitLimitPeriod = visitLimitPeriod
            check.planYearStart = planYearStart
            check.unitsPerVisitLimit = unitsPerVisitLimit
            check.authorizationNumber = authorization.flatMap(optionalText)
            check.validFrom = validFrom
            check.validUntil = validUntil
            check.inNetworkSites = Set(inNetwork)
            check.notes = notes.flatMap(optionalText)
            let recorded = try application.addCoverageCheck(check, force: write.force)
            if options.json { return Output.json(["id": recorded.rawValue]) }
            print(recorded.rawValue)
        }
    }
}
