import ArgumentParser
import ClinicSyncCore
import Foundation

/// `clinicsync prescription add`
struct PrescriptionAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Record a prescription; prints its id.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Option(name: .customLong("patient-id")) var patientID: String
    @Option(name: .customLong("patient-name")) var patientName: String
    @Option var prescriber: String
    @Option(help: "The prescriber's 10-digit NPI.") var npi: String
    @Option var diagnosis: String
    @Option(help: "An ICD-10-CM code; repeat for several.") var icd10: [String] = []
    @Option(help: "Visits authorised (omit for unlimited).") var visits: Int?
    @Option(name: .customLong("units-per-visit")) var unitsPerVisit: Int?
    @Option(help: "E.g. \"2x/week for 6 weeks\".") var frequency: String?
    @Option(name: .customLong("body-region")) var bodyRegion: String?
    @Option(name: .customLong("issued-on"), help: "YYYY-MM-DD.") var issuedOn: String
    @Option(name: .customLong("expires-on"), help: "YYYY-MM-DD.") var expiresOn: String
    @Option var payer: String
    @Option(name: .customLong("member-id")) var memberID: String
    @Option var notes: String?
    @Option(help: "A UUID to use instead of a new one.") var id: String?

    func run() throws {
        guard !icd10.isEmpty else { throw ValidationError("--icd10: at least one ICD-10 code is required") }
        let prescription = Prescription(
            id: try Parse.rowID(id ?? UUID().uuidString, flag: "--id"),
            patientID: patientID, patientName: patientName, prescriber: prescriber, prescriberNPI: try Parse.npi(npi),
            diagnosis: diagnosis, icd10Codes: try Parse.icd10(icd10), visitsAuthorized: visits,
            unitsPerVisit: unitsPerVisit, frequency: frequency.flatMap(Parse.optionalText),
            bodyRegion: bodyRegion.flatMap(Parse.optionalText),
            issuedOn: try Parse.date(issuedOn, flag: "--issued-on"), expiresOn: try Parse.date(expiresOn, flag: "--expires-on"),
            payer: payer, memberID: memberID, notes: notes.flatMap(Parse.optionalText))
        try reportingFailures {
            try write.openStore(options).addPrescription(prescription)
            if options.json { return try Output.json(["id": prescription.id.rawValue]) }
            print(prescription.id.rawValue)
        }
    }
}
