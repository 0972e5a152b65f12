import ClinicSyncCore
import ClinicSyncStore

/// A prescription as the CLI shows it: its fields, the ICD-10 codes as a list, and (from `show`)
/// the visits booked against it at every site.
package struct PrescriptionView: Codable, Sendable, Equatable {
    package var id: String
    package var patientID: String?
    package var patientName: String?
    package var prescriber: String?
    package var prescriberNPI: String?
    package var diagnosis: String?
    package var icd10Codes: [String]
    /// `nil`: unlimited.
    package var visitsAuthorized: Int?
    package var unitsPerVisit: Int?
    /// As stored: a rule (`2 per week`), or text from before frequencies were rules.
    package var frequency: String?
    /// The frequency as a rule (`2 per week`); absent when there is none or its text is not one.
    package var frequencyRule: String?
    /// Free text from before table schema 3; never checked.
    package var bodyRegion: String?
    /// The regions the prescriber allows treating, folded and sorted; empty: any.
    package var bodyRegions: [String]
    /// When the letter of medical necessity arrived.
    package var lmnReceivedOn: String?
    package var lmnReference: String?
    package var issuedOn: String?
    package var expiresOn: String?
    package var payer: String?
    package var memberID: String?
    package var notes: String?
    /// Visits booked against it at every site (cancelled and no-show visits excluded), from `show`.
    package var visitsUsed: Int?
    /// Its visits and units across every site, from `show` (and `patient show`).
    package var usage: PrescriptionUsageView?

    enum CodingKeys: String, CodingKey {
        case id, prescriber, diagnosis, frequency, payer, notes
        case patientID = "patient_id"
        case patientName = "patient_name"
        case prescriberNPI = "prescriber_npi"
        case icd10Codes = "icd10_codes"
        case visitsAuthorized = "visits_authorized"
        case unitsPerVisit = "units_per_visit"
        case bodyRegion = "body_region"
        case frequencyRule = "frequency_rule"
        case bodyRegions = "body_regions"
        case lmnReceivedOn = "lmn_received_on"
        case lmnReference = "lmn_reference"
        case issuedOn = "issued_on"
        case expiresOn = "expires_on"
        case memberID = "member_id"
        case visitsUsed = "visits_used"
        case usage
    }
}

extension PrescriptionView {
    init(_ record: PrescriptionRecord, visitsUsed: Int? = nil, usage: PrescriptionUsage? = nil) {
        self.init(
            id: record.id, patientID: record.patientID, patientName: record.patientName, prescriber: record.prescriber,
            prescriberNPI: record.prescriberNPI, diagnosis: record.diagnosis,
            icd10Codes: record.icd10Codes.flatMap { try? ICD10Code.decodeList($0).map(\.rawValue) } ?? [],
            visitsAuthorized: record.visitsAuthorized, unitsPerVisit: record.unitsPerVisit, frequency: record.frequency,
            frequencyRule: record.frequency.flatMap { try? VisitFrequency($0).description },
            bodyRegion: record.bodyRegion,
            bodyRegions: record.bodyRegions.map { BodyRegion.storedList($0).sorted().map(\.rawValue) } ?? [],
            lmnReceivedOn: record.lmnReceivedOn, lmnReference: record.lmnReference, issuedOn: record.issuedOn, expiresOn: record.expiresOn,
            payer: record.payer,
            memberID: record.memberID, notes: record.notes, visitsUsed: visitsUsed, usage: usage.map(PrescriptionUsageView.init))
    }
}
