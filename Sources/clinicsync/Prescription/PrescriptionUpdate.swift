import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync prescription update ID`
struct PrescriptionUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change fields of a prescription; only changed fields are synced.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The prescription's id (\(ArgumentForm.rowID)).") var id: RowID
    @Option(name: .customLong("patient-id")) var patientID: String?
    @Option(name: .customLong("patient-name")) var patientName: String?
    @Option var prescriber: String?
    @Option(help: "\(ArgumentForm.npi).") var npi: NPI?
    @Option var diagnosis: String?
    @Option(help: "Replaces the codes: \(ArgumentForm.icd10).") var icd10: [ICD10Code] = []
    @Option(help: "Visits authorised (0 means unlimited).") var visits: Int?
    @Option(name: .customLong("units-per-visit"), help: "Units per visit (0 clears).") var unitsPerVisit: Int?
    @Option(help: "\(ArgumentForm.frequency); \"\" clears (no limit).") var frequency: Clearable<VisitFrequency>?
    @Option(
        name: [.customLong("region"), .customLong("body-region")], help: "Replaces the regions: \(ArgumentForm.region); repeat for several.")
    var regions: [BodyRegion] = []
    @Flag(name: .customLong("any-region"), help: "Clears the regions: any region may be treated.") var anyRegion = false
    @Flag(
        name: .customLong("clear-legacy-body-region"),
        help: "Clears the free-text body_region kept from before regions were checked (shown, never checked).")
    var clearLegacyBodyRegion = false
    @Option(name: .customLong("lmn-received-on"), help: "\(ArgumentForm.date); \"\" clears.") var lmnReceivedOn: Clearable<CalendarDate>?
    @Option(name: .customLong("lmn-reference"), help: "\"\" clears.") var lmnReference: String?
    @Option(name: .customLong("issued-on"), help: "\(ArgumentForm.date).") var issuedOn: CalendarDate?
    @Option(name: .customLong("expires-on"), help: "\(ArgumentForm.date).") var expiresOn: CalendarDate?
    @Option var payer: String?
    @Option(name: .customLong("member-id")) var memberID: String?
    @Option(help: "\"\" clears.") var notes: String?

    func validate() throws {
        if anyRegion, !regions.isEmpty { throw ValidationError("give either --region or --any-region, not both") }
        let given: [Any?] = [
            patientID, patientName, prescriber, npi, diagnosis, icd10.isEmpty ? nil : icd10, visits, unitsPerVisit, frequency,
            regions.isEmpty && !anyRegion ? nil : regions, clearLegacyBodyRegion ? true : nil, lmnReceivedOn, lmnReference, issuedOn, expiresOn,
            payer, memberID, notes,
        ]
        guard given.contains(where: { $0 != nil }) else {
            throw ValidationError("nothing to change: give at least one field option (see --help)")
        }
    }

    func run() throws {
        let (patientID, patientName, prescriber, npi, diagnosis, payer, memberID) =
            (patientID, patientName, prescriber, npi, diagnosis, payer, memberID)
        let (codes, visits, unitsPerVisit, frequency, issuedOn, expiresOn, notes) =
            (icd10, visits, unitsPerVisit, frequency, issuedOn, expiresOn, notes)
        let (regions, anyRegion, lmnReceivedOn, lmnReference) = (regions, anyRegion, lmnReceivedOn, lmnReference)
        let clearLegacyBodyRegion = clearLegacyBodyRegion
        try reportingFailures { () throws(ApplicationError) in
            let updated = try options.application().updatePrescription(id: id, force: write.force) { prescription in
                if let patientID { prescription.patientID = patientID }
                if let patientName { prescription.patientName = patientName }
                if let prescriber { prescription.prescriber = prescriber }
                if let diagnosis { prescription.diagnosis = diagnosis }
                if let payer { prescription.payer = payer }
                if let memberID { prescription.memberID = memberID }
                if let npi { prescription.prescriberNPI = npi }
                if !codes.isEmpty { prescription.icd10Codes = codes }
                if let issuedOn { prescription.issuedOn = issuedOn }
                if let expiresOn { prescription.expiresOn = expiresOn }
                if let frequency { prescription.frequency = frequency.value?.description }
                if !regions.isEmpty || anyRegion { prescription.bodyRegions = Set(regions) }
                if clearLegacyBodyRegion { prescription.bodyRegion = nil }
                if let lmnReceivedOn { prescription.lmnReceivedOn = lmnReceivedOn.value }
                if let lmnReference { prescription.lmnReference = optionalText(lmnReference) }
                if let notes { prescription.notes = optionalText(notes) }
                if let visits { prescription.visitsAuthorized = visits == 0 ? nil : visits }
                if let unitsPerVisit { prescription.unitsPerVisit = unitsPerVisit == 0 ? nil : unitsPerVisit }
            }
            if options.json { return Output.json(updated) }
            print("Updated prescription \(updated.id).")
        }
    }
}
