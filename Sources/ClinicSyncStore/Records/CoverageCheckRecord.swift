package import ClinicSyncCore
import GRDB

/// A row of `coverage_checks` as stored; ``coverageCheck()`` checks that it is complete.
/// Booleans are stored as 0 or 1, code and site sets as canonical JSON arrays.
package struct CoverageCheckRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "coverage_checks"

    package var id: String
    package var patientID: String?
    package var payer: String?
    package var memberID: String?
    package var checkedOn: String?
    package var checkedBy: String?
    package var site: String?
    package var referenceNumber: String?
    package var repName: String?
    package var covered: Int?
    package var requiresPrescription: Int?
    package var qualifyingICD10: String?
    package var visitLimit: Int?
    package var visitLimitPeriod: String?
    package var planYearStart: String?
    package var unitsPerVisitLimit: Int?
    package var authorizationNumber: String?
    package var validFrom: String?
    package var validUntil: String?
    package var inNetworkSites: String?
    package var notes: String?
    /// NULL in checks recorded before table schema 3: read as 0.
    package var requiresLMN: Int?

    /// Column names, which are also the JSON field names.
    package enum CodingKeys: String, CodingKey {
        case id, payer, site, covered, notes
        case patientID = "patient_id"
        case memberID = "member_id"
        case checkedOn = "checked_on"
        case checkedBy = "checked_by"
        case referenceNumber = "reference_number"
        case repName = "rep_name"
        case requiresPrescription = "requires_prescription"
        case qualifyingICD10 = "qualifying_icd10"
        case visitLimit = "visit_limit"
        case visitLimitPeriod = "visit_limit_period"
        case planYearStart = "plan_year_start"
        case unitsPerVisitLimit = "units_per_visit_limit"
        case authorizationNumber = "authorization_number"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case inNetworkSites = "in_network_sites"
        case requiresLMN = "requires_lmn"
    }

    /// The stored form of a validated check.
    package init(_ check: CoverageCheck) {
        id = check.id.rawValue
        patientID = check.patientID
        payer = check.payer
        memberID = check.memberID
        checkedOn = check.checkedOn.description
        checkedBy = check.checkedBy
        site = check.site.rawValue
        referenceNumber = check.referenceNumber
        repName = check.repName
        covered = check.covered ? 1 : 0
        requiresPrescription = check.requiresPrescription ? 1 : 0
        qualifyingICD10 = CoverageCheck.canonicalList(check.qualifyingICD10)
        visitLimit = check.visitLimit
        visitLimitPeriod = check.visitLimitPeriod.rawValue
        planYearStart = check.planYearStart.description
        unitsPerVisitLimit = check.unitsPerVisitLimit
        authorizationNumber = check.authorizationNumber
        validFrom = check.validFrom?.description
        validUntil = check.validUntil?.description
        inNetworkSites = CoverageCheck.canonicalList(check.inNetworkSites)
        notes = check.notes
        requiresLMN = check.requiresLMN ? 1 : 0
    }

    /// The domain value, or an error naming the first missing or malformed field.
    package func coverageCheck() throws(ValidationError) -> CoverageCheck {
        func date(_ text: String?, _ field: String) throws(ValidationError) -> CalendarDate? {
            try text.map { text throws(ValidationError) in try CalendarDate(text, field: field) }
        }
        var check = CoverageCheck(
            id: try RowID(id),
            patientID: try Stored.required(patientID, "patient_id"),
            payer: try Stored.required(payer, "payer"),
            memberID: try Stored.required(memberID, "member_id"),
            checkedOn: try CalendarDate(Stored.required(checkedOn, "checked_on"), field: "checked_on"),
            checkedBy: try Stored.required(checkedBy, "checked_by"),
            site: try Self.site(Stored.required(site, "site")),
            covered: try Stored.required(covered, "covered") == 1,
            requiresPrescription: try Stored.required(requiresPrescription, "requires_prescription") == 1)
        check.referenceNumber = referenceNumber
        check.repName = repName
        check.qualifyingICD10 = Set(try ICD10Code.decodeList(Stored.required(qualifyingICD10, "qualifying_icd10"), field: "qualifying_icd10"))
        check.visitLimit = visitLimit
        let period = try Stored.required(visitLimitPeriod, "visit_limit_period")
        guard let parsedPeriod = CoverageCheck.VisitLimitPeriod(rawValue: period) else {
            throw ValidationError(field: "visit_limit_period", rule: "must be plan_year or authorization")
        }
        check.visitLimitPeriod = parsedPeriod
        check.planYearStart = try PlanYearStart(Stored.required(planYearStart, "plan_year_start"))
        check.unitsPerVisitLimit = unitsPerVisitLimit
        check.authorizationNumber = authorizationNumber
        check.validFrom = try date(validFrom, "valid_from")
        check.validUntil = try date(validUntil, "valid_until")
        check.inNetworkSites = try CoverageCheck.decodeSites(Stored.required(inNetworkSites, "in_network_sites"))
        check.notes = notes
        check.requiresLMN = requiresLMN == 1
        return check
    }

    private static func site(_ text: String) throws(ValidationError) -> SiteID {
        do { return try SiteID(text) } catch { throw ValidationError(field: "site", rule: error.rule) }
    }
}
