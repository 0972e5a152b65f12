import ClinicSyncCore
import ClinicSyncStore

/// A coverage check as the CLI shows it: booleans as booleans, code and site sets as lists, and
/// whether it is the check in force for its patient and payer.
package struct CoverageCheckView: Codable, Sendable, Equatable {
    package var id: String
    package var patientID: String?
    package var payer: String?
    package var memberID: String?
    package var checkedOn: String?
    package var checkedBy: String?
    package var site: String?
    package var referenceNumber: String?
    package var repName: String?
    package var covered: Bool?
    package var requiresPrescription: Bool?
    /// False for checks recorded before table schema 3 (which did not ask).
    package var requiresLMN: Bool
    /// Empty: any diagnosis code qualifies.
    package var qualifyingICD10: [String]
    /// `nil`: unlimited.
    package var visitLimit: Int?
    package var visitLimitPeriod: String?
    package var planYearStart: String?
    package var unitsPerVisitLimit: Int?
    package var authorizationNumber: String?
    package var validFrom: String?
    package var validUntil: String?
    /// Empty: every site is in network.
    package var inNetworkSites: [String]
    package var notes: String?
    /// Whether this is the newest check (by `checked_on`, then id) of its patient and payer.
    package var inForce: Bool

    enum CodingKeys: String, CodingKey {
        case id, payer, site, covered, notes
        case patientID = "patient_id"
        case memberID = "member_id"
        case checkedOn = "checked_on"
        case checkedBy = "checked_by"
        case referenceNumber = "reference_number"
        case repName = "rep_name"
        case requiresPrescription = "requires_prescription"
        case requiresLMN = "requires_lmn"
        case qualifyingICD10 = "qualifying_icd10"
        case visitLimit = "visit_limit"
        case visitLimitPeriod = "visit_limit_period"
        case planYearStart = "plan_year_start"
        case unitsPerVisitLimit = "units_per_visit_limit"
        case authorizationNumber = "authorization_number"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case inNetworkSites = "in_network_sites"
        case inForce = "in_force"
    }
}

extension CoverageCheckView {
    init(_ record: CoverageCheckRecord, inForce: Bool) {
        self.init(
            id: record.id, patientID: record.patientID, payer: record.payer, memberID: record.memberID, checkedOn: record.checkedOn,
            checkedBy: record.checkedBy, site: record.site, referenceNumber: record.referenceNumber, repName: record.repName,
            covered: record.covered.map { $0 == 1 }, requiresPrescription: record.requiresPrescription.map { $0 == 1 },
            requiresLMN: record.requiresLMN == 1,
            qualifyingICD10: record.qualifyingICD10.flatMap { try? ICD10Code.decodeList($0).map(\.rawValue) } ?? [],
            visitLimit: record.visitLimit, visitLimitPeriod: record.visitLimitPeriod, planYearStart: record.planYearStart,
            unitsPerVisitLimit: record.unitsPerVisitLimit, authorizationNumber: record.authorizationNumber,
            validFrom: record.validFrom, validUntil: record.validUntil,
            inNetworkSites: record.inNetworkSites.flatMap { try? CoverageCheck.decodeSites($0).map(\.rawValue).sorted() } ?? [],
            notes: record.notes, inForce: inForce)
    }

    init(_ check: CoverageCheck, inForce: Bool) {
        self.init(CoverageCheckRecord(check), inForce: inForce)
    }

    /// Views of `records` (as the store lists them: by patient, payer, newest first), each marked
    /// in force when no other check of its patient and payer is newer.
    static func marked(_ records: [CoverageCheckRecord]) -> [CoverageCheckView] {
        func key(_ record: CoverageCheckRecord) -> String { "\(record.patientID ?? "")\u{0}\(foldedName(record.payer ?? ""))" }
        func order(_ record: CoverageCheckRecord) -> (String, String) { (record.checkedOn ?? "", record.id) }
        var newest: [String: CoverageCheckRecord] = [:]
        for record in records where newest[key(record)].map({ order(record) > order($0) }) ?? true { newest[key(record)] = record }
        return records.map { CoverageCheckView($0, inForce: newest[key($0)]?.id == $0.id) }
    }
}
