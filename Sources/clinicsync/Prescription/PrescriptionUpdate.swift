import ArgumentParser
import ClinicSyncCore

/// `clinicsync prescription update ID`
struct PrescriptionUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change fields of a prescription; only changed fields are synced.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The prescription's id.") var id: String
    @Option(name: .customLong("patient-id")) var patientID: String?
    @Option(name: .customLong("patient-name")) var patientName: String?
    @Option var prescriber: String?
    @Option var npi: String?
    @Option var diagnosis: String?
    @Option(help: "Replaces the codes; repeat for several.") var icd10: [String] = []
    @Option(help: "Visits authorised (0 means unlimited).") var visits: Int?
    @Option(name: .customLong("units-per-visit"), help: "Units per visit (0 clears).") var unitsPerVisit: Int?
    @Option(help: "\"\" clears.") var frequency: String?
    @Option(name: .customLong("body-region"), help: "\"\" clears.") var bodyRegion: String?
    @Option(name: .customLong("issued-on")) var issuedOn: String?
    @Option(name: .customLong("expires-on")) var expiresOn: String?
    @Option var payer: String?
    @Option(name: .customLong("member-id")) var memberID: String?
    @Option(help: "\"\" clears.") var notes: String?

    func run() throws {
        let rowID = try Parse.rowID(id, flag: "id")
        let newNPI = try npi.map(Parse.npi)
        let newCodes = icd10.isEmpty ? nil : try Parse.icd10(icd10)
        let newIssued = try issuedOn.map { try Parse.date($0, flag: "--issued-on") }
        let newExpiry = try expiresOn.map { try Parse.date($0, flag: "--expires-on") }
        let texts = (patientID, patientName, prescriber, diagnosis, payer, memberID)
        let optionalTexts = (frequency, bodyRegion, notes)
        let numbers = (visits, unitsPerVisit)
        let textsGiven = [texts.0, texts.1, texts.2, texts.3, texts.4, texts.5, optionalTexts.0, optionalTexts.1, optionalTexts.2]
            .contains { $0 != nil }
        let othersGiven = newNPI != nil || newCodes != nil || newIssued != nil || newExpiry != nil
            || numbers.0 != nil || numbers.1 != nil
        guard textsGiven || othersGiven else {
            throw ValidationError("nothing to change: give at least one field option (see --help)")
        }
        try reportingFailures {
            let record = try write.openStore(options).updatePrescription(id: rowID) { prescription in
                if let value = texts.0 { prescription.patientID = value }
                if let value = texts.1 { prescription.patientName = value }
                if let value = texts.2 { prescription.prescriber = value }
                if let value = texts.3 { prescription.diagnosis = value }
                if let value = texts.4 { prescription.payer = value }
                if let value = texts.5 { prescription.memberID = value }
                if let newNPI { prescription.prescriberNPI = newNPI }
                if let newCodes { prescription.icd10Codes = newCodes }
                if let newIssued { prescription.issuedOn = newIssued }
                if let newExpiry { prescription.expiresOn = newExpiry }
                if let value = optionalTexts.0 { prescription.frequency = Parse.optionalText(value) }
                if let value = optionalTexts.1 { prescription.bodyRegion = Parse.optionalText(value) }
                if let value = optionalTexts.2 { prescription.notes = Parse.optionalText(value) }
                if let value = numbers.0 { prescription.visitsAuthorized = value == 0 ? nil : value }
                if let value = numbers.1 { prescription.unitsPerVisit = value == 0 ? nil : value }
            }
            if options.json { return try Output.json(PrescriptionJSON(record)) }
            print("Updated prescription \(record.id).")
        }
    }
}
