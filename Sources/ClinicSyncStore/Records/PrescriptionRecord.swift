package import ClinicSyncCore
import GRDB

/// A row of `prescriptions` as stored; ``prescription()`` checks that it is complete.
package struct PrescriptionRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "prescriptions"

    package var id: String
    package var patientID: String?
    package var patientName: String?
    package var prescriber: String?
    package var prescriberNPI: String?
    package var diagnosis: String?
    /// JSON array text, e.g. `["M54.50","M79.1"]`.
    package var icd10Codes: String?
    package var visitsAuthorized: Int?
    package var unitsPerVisit: Int?
    package var frequency: String?
    package var bodyRegion: String?
    package var issuedOn: String?
    package var expiresOn: String?
    package var payer: String?
    package var memberID: String?
    package var notes: String?
    /// JSON array text, e.g. `["left ankle"]`; NULL or `[]`: any region.
    package var bodyRegions: String?
    package var lmnReceivedOn: String?
    package var lmnReference: String?

    /// Column names, which are also the JSON field names.
    package enum CodingKeys: String, CodingKey {
        case id, prescriber, diagnosis, frequency, payer, notes
        case patientID = "patient_id"
        case patientName = "patient_name"
        case prescriberNPI = "prescriber_npi"
        case icd10Codes = "icd10_codes"
        case visitsAuthorized = "visits_authorized"
        case unitsPerVisit = "units_per_visit"
        case bodyRegion = "body_region"
        case issuedOn = "issued_on"
        case expiresOn = "expires_on"
        case memberID = "member_id"
        case bodyRegions = "body_regions"
        case lmnReceivedOn = "lmn_received_on"
        case lmnReference = "lmn_reference"
    }

    /// The stored form of a validated prescription.
    package init(_ prescription: Prescription) {
        id = prescription.id.rawValue
        patientID = prescription.patientID
        patientName = prescription.patientName
        prescriber = prescription.prescriber
        prescriberNPI = prescription.prescriberNPI.rawValue
        diagnosis = prescription.diagnosis
        icd10Codes = ICD10Code.encodeList(prescription.icd10Codes)
        visitsAuthorized = prescription.visitsAuthorized
        unitsPerVisit = prescription.unitsPerVisit
        frequency = prescription.frequency
        bodyRegion = prescription.bodyRegion
        issuedOn = prescription.issuedOn.description
        expiresOn = prescription.expiresOn.description
        payer = prescription.payer
        memberID = prescription.memberID
        notes = prescription.notes
        bodyRegions = BodyRegion.encodeList(prescription.bodyRegions)
        lmnReceivedOn = prescription.lmnReceivedOn?.description
        lmnReference = prescription.lmnReference
    }

    /// The domain value, or an error naming the first missing or malformed field.
    package func prescription() throws(ValidationError) -> Prescription {
        Prescription(
            id: try RowID(id),
            patientID: try Stored.required(patientID, "patient_id"),
            patientName: try Stored.required(patientName, "patient_name"),
            prescriber: try Stored.required(prescriber, "prescriber"),
            prescriberNPI: try NPI(Stored.required(prescriberNPI, "prescriber_npi")),
            diagnosis: try Stored.required(diagnosis, "diagnosis"),
            icd10Codes: try ICD10Code.decodeList(Stored.required(icd10Codes, "icd10_codes")),
            visitsAuthorized: visitsAuthorized,
            unitsPerVisit: unitsPerVisit,
            frequency: frequency,
            bodyRegion: bodyRegion,
            bodyRegions: bodyRegions.map(BodyRegion.storedList) ?? [],
            lmnReceivedOn: try lmnReceivedOn.map { text throws(ValidationError) in try CalendarDate(text, field: "lmn_received_on") },
            // Blank text another program wrote is no reference (and no reason to drop the row).
            lmnReference: lmnReference.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 },
            issuedOn: try CalendarDate(Stored.required(issuedOn, "issued_on"), field: "issued_on"),
            expiresOn: try CalendarDate(Stored.required(expiresOn, "expires_on"), field: "expires_on"),
            payer: try Stored.required(payer, "payer"),
            memberID: try Stored.required(memberID, "member_id"),
            notes: notes)
    }
}
