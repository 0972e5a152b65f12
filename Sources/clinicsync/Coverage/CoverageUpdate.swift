import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync coverage update ID`
struct CoverageUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Correct fields of a coverage check; only changed fields are synced.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The check's id (\(ArgumentForm.rowID)).") var id: RowID
    @Option(name: .customLong("patient-id")) var patientID: String?
    @Option var payer: String?
    @Option(name: .customLong("member-id")) var memberID: String?
    @Option(name: .customLong("checked-on"), help: "\(ArgumentForm.date).") var checkedOn: CalendarDate?
    @Option(name: .customLong("checked-by")) var checkedBy: String?
    @Option(help: "\"\" clears.") var reference: String?
    @Option(help: "\"\" clears.") var rep: String?
    @Option(help: "\(ArgumentForm.yesNo).") var covered: YesNo?
    @Option(name: .customLong("requires-prescription"), help: "\(ArgumentForm.yesNo).") var requiresPrescription: YesNo?
    @Option(name: .customLong("requires-lmn"), help: "Whether the payer requires a letter of medical necessity: \(ArgumentForm.yesNo).")
    var requiresLMN: YesNo?
    @Option(help: "Replaces the qualifying codes: \(ArgumentForm.icd10).") var icd10: [ICD10Code] = []
    @Flag(name: .customLong("any-icd10"), help: "Clears the qualifying codes: any code qualifies.") var anyICD10 = false
    @Option(name: .customLong("visit-limit"), help: "Visits allowed per period (0 means unlimited).") var visitLimit: Int?
    @Option(name: .customLong("visit-limit-period")) var visitLimitPeriod: CoverageCheck.VisitLimitPeriod?
    @Option(name: .customLong("plan-year-start"), help: "\(ArgumentForm.planYearStart).") var planYearStart: PlanYearStart?
    @Option(name: .customLong("units-per-visit-limit"), help: "0 clears.") var unitsPerVisitLimit: Int?
    @Option(help: "\"\" clears.") var authorization: String?
    @Option(name: .customLong("valid-from"), help: "\(ArgumentForm.date); \"\" clears.") var validFrom: Clearable<CalendarDate>?
    @Option(name: .customLong("valid-until"), help: "\(ArgumentForm.date); \"\" clears.") var validUntil: Clearable<CalendarDate>?
    @Option(name: .customLong("in-network"), help: "Replaces the in-network sites (\(ArgumentForm.siteID)); repeat.")
    var inNetwork: [SiteID] = []
    @Flag(name: .customLong("every-site"), help: "Clears the in-network sites: every site is in network.") var everySite = false
    @Option(help: "\"\" clears.") var notes: String?

    func validate() throws {
        if anyICD10, !icd10.isEmpty { throw ValidationError("give either --icd10 or --any-icd10, not both") }
        if everySite, !inNetwork.isEmpty { throw ValidationError("give either --in-network or --every-site, not both") }
        let given: [Any?] = [
            patientID, payer, memberID, checkedOn, checkedBy, reference, rep, covered, requiresPrescription, requiresLMN, visitLimit,
            visitLimitPeriod, planYearStart, unitsPerVisitLimit, authorization, validFrom, validUntil, notes,
        ]
        guard given.contains(where: { $0 != nil }) || !icd10.isEmpty || anyICD10 || !inNetwork.isEmpty || everySite else {
            throw ValidationError("nothing to change: give at least one field option (see --help)")
        }
    }

    func run() throws {
        let edit = self
        try reportingFailures { () throws(ApplicationError) in
            let updated = try options.application().updateCoverageCheck(id: id, force: write.force) { check in edit.apply(to: &check) }
            if options.json { return Output.json(updated) }
            print("Updated coverage check \(updated.id).")
        }
    }

    private func apply(to check: inout CoverageCheck) {
        if let patientID { check.patientID = patientID }
        if let payer { check.payer = payer }
        if let memberID { check.memberID = memberID }
        if let checkedOn { check.checkedOn = checkedOn }
        if let checkedBy { check.checkedBy = checkedBy }
        if let reference { check.referenceNumber = optionalText(reference) }
        if let rep { check.repName = optionalText(rep) }
        if let covered { check.covered = covered.isYes }
        if let requiresPrescription { check.requiresPrescription = requiresPrescription.isYes }
        if let requiresLMN { check.requiresLMN = requiresLMN.isYes }
        if !icd10.isEmpty || anyICD10 { check.qualifyingICD10 = Set(icd10) }
        if let visitLimit { check.visitLimit = visitLimit == 0 ? nil : visitLimit }
        if let visitLimitPeriod { check.visitLimitPeriod = visitLimitPeriod }
        if let planYearStart { check.planYearStart = planYearStart }
        if let unitsPerVisitLimit { check.unitsPerVisitLimit = unitsPerVisitLimit == 0 ? nil : unitsPerVisitLimit }
        if let authorization { check.authorizationNumber = optionalText(authorization) }
        if let validFrom { check.validFrom = validFrom.value }
        if let validUntil { check.validUntil = validUntil.value }
        if !inNetwork.isEmpty || everySite { check.inNetworkSites = Set(inNetwork) }
        if let notes { check.notes = optionalText(notes) }
    }
}
