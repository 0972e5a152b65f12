import ClinicSyncCore
import ClinicSyncStore

/// A prescription as printed with `--json`: the columns, with `icd10_codes` as an array, and, for
/// `show`, the visits booked against it at every site.
struct PrescriptionJSON: Encodable {
    let id: String
    let patient_id: String?
    let patient_name: String?
    let prescriber: String?
    let prescriber_npi: String?
    let diagnosis: String?
    let icd10_codes: [String]
    let visits_authorized: Int?
    let units_per_visit: Int?
    let frequency: String?
    let body_region: String?
    let issued_on: String?
    let expires_on: String?
    let payer: String?
    let member_id: String?
    let notes: String?
    let visits_used: Int?

    init(_ record: PrescriptionRecord, visitsUsed: Int? = nil) {
        id = record.id
        patient_id = record.patientID
        patient_name = record.patientName
        prescriber = record.prescriber
        prescriber_npi = record.prescriberNPI
        diagnosis = record.diagnosis
        icd10_codes = record.icd10Codes.flatMap { try? ICD10Code.decodeList($0).map(\.rawValue) } ?? []
        visits_authorized = record.visitsAuthorized
        units_per_visit = record.unitsPerVisit
        frequency = record.frequency
        body_region = record.bodyRegion
        issued_on = record.issuedOn
        expires_on = record.expiresOn
        payer = record.payer
        member_id = record.memberID
        notes = record.notes
        visits_used = visitsUsed
    }
}
