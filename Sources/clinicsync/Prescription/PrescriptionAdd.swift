import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync prescription add`
struct PrescriptionAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Record a prescription; prints its id.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Option(name: .customLong("patient-id")) var patientID: String
    @Option(name: .customLong("patient-name")) var patientName: String
    @Option var prescriber: String
    @Option(help: "\(ArgumentForm.npi).") var npi: NPI
    @Option var diagnosis: String
    @Option(help: "\(ArgumentForm.icd10).") var icd10: [ICD10Code] = []
    @Option(help: "Visits authorised (omit for unlimited).") var visits: Int?
    @Option(name: .customLong("units-per-visit")) var unitsPerVisit: Int?
    @Option(help: "How often visits may take place, \(ArgumentForm.frequency) (omit for no limit).") var frequency: VisitFrequency?
    @Option(
        name: [.customLong("region"), .customLong("body-region")],
        help: "A region the prescriber allows treating; repeat for several; none: any. \(ArgumentForm.region).")
    var regions: [BodyRegion] = []
    @Option(name: .customLong("lmn-received-on"), help: "When the letter of medical necessity arrived (\(ArgumentForm.date)).")
    var lmnReceivedOn: CalendarDate?
    @Option(name: .customLong("lmn-reference"), help: "Where the scanned letter is kept.") var lmnReference: String?
    @Option(name: .customLong("issued-on"), help: "\(ArgumentForm.date).") var issuedOn: CalendarDate
    @Option(name: .customLong("expires-on"), help: "\(ArgumentForm.date).") var expiresOn: CalendarDate
    @Option var payer: String
    @Option(name: .customLong("member-id")) var memberID: String
    @Option var notes: String?
    @Option(help: "A UUID to use instead of a new one.") var id: RowID?

    func validate() throws {
        guard !icd10.isEmpty else { throw ValidationError("--icd10: at least one ICD-10 code is required") }
    }

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let prescription = Prescription(
                id: id ?? .new(), patientID: patientID, patientName: patientName, prescriber: prescriber, prescriberNPI: npi,
                diagnosis: diagnosis, icd10Codes: icd10, visitsAuthorized: visits, unitsPerVisit: unitsPerVisit,
                frequency: frequency?.description, bodyRegions: Set(regions), lmnReceivedOn: lmnReceivedOn,
                lmnReference: lmnReference.flatMap(optionalText),
                issuedOn: issuedOn, expiresOn: expiresOn, payer: payer, memberID: memberID, notes: notes.flatMap(optionalText))
            let recorded = try options.application().addPrescription(prescription, force: write.force)
            if options.json { return Output.json(["id": recorded.rawValue]) }
            print(recorded.rawValue)
        }
    }
}
