/// What the payer confirmed when the front desk called to verify a patient's coverage (the issue's
/// `coverage_checks` record). The newest check, by `checkedOn` then id, for a patient and payer is
/// the one in force; older ones are history.
package struct CoverageCheck: Hashable, Sendable {
    /// What a visit limit counts: visits per plan year, or visits under one authorization.
    package enum VisitLimitPeriod: String, CaseIterable, Sendable {
        case planYear = "plan_year"
        case authorization
    }

    package var id: RowID
    package var patientID: String
    package var payer: String
    package var memberID: String
    package var checkedOn: CalendarDate
    package var checkedBy: String
    /// The site where the call was made.
    package var site: SiteID
    package var referenceNumber: String?
    package var repName: String?
    package var covered: Bool
    package var requiresPrescription: Bool
    /// Whether the payer pays only once a letter of medical necessity is on file (false for checks
    /// recorded before table schema 3, which did not ask).
    package var requiresLMN: Bool
    /// The diagnosis codes that qualify; empty: any.
    package var qualifyingICD10: Set<ICD10Code>
    /// Visits allowed in a period; nil: unlimited.
    package var visitLimit: Int?
    package var visitLimitPeriod: VisitLimitPeriod
    package var planYearStart: PlanYearStart
    package var unitsPerVisitLimit: Int?
    package var authorizationNumber: String?
    package var validFrom: CalendarDate?
    package var validUntil: CalendarDate?
    /// The sites in the payer's network; empty: every site.
    package var inNetworkSites: Set<SiteID>
    package var notes: String?

    /// Builds a check; call ``validate()`` before storing it.
    package init(
        id: RowID, patientID: String, payer: String, memberID: String, checkedOn: CalendarDate, checkedBy: String, site: SiteID,
        covered: Bool, requiresPrescription: Bool, requiresLMN: Bool = false
    ) {
        self.id = id
        self.patientID = patientID
        self.payer = payer
        self.memberID = memberID
        self.checkedOn = checkedOn
        self.checkedBy = checkedBy
        self.site = site
        self.covered = covered
        self.requiresPrescription = requiresPrescription
        self.requiresLMN = requiresLMN
        qualifyingICD10 = []
        visitLimitPeriod = .planYear
        planYearStart = .januaryFirst
        inNetworkSites = []
    }

    /// Checks the rules that involve only this record.
    package func validate() throws(ValidationError) {
        try Require.nonEmpty(patientID, "patient_id")
        try Require.nonEmpty(payer, "payer")
        try Require.nonEmpty(memberID, "member_id")
        try Require.nonEmpty(checkedBy, "checked_by")
        for (text, field) in [(referenceNumber, "reference_number"), (repName, "rep_name"), (authorizationNumber, "authorization_number")] {
            if let text { try Require.nonEmpty(text, field) }
        }
        if let visitLimit, !(1...1000).contains(visitLimit) {
            throw ValidationError(field: "visit_limit", rule: "must be between 1 and 1000, or absent for unlimited")
        }
        if let unitsPerVisitLimit, !(1...96).contains(unitsPerVisitLimit) {
            throw ValidationError(field: "units_per_visit_limit", rule: "must be between 1 and 96, or absent")
        }
        if visitLimitPeriod == .authorization, visitLimit != nil, authorizationNumber == nil {
            throw ValidationError(field: "authorization_number", rule: "is required when the visit limit counts per authorization")
        }
        if let validFrom, let validUntil, validUntil < validFrom {
            throw ValidationError(field: "valid_until", rule: "must not be before valid_from (\(validFrom))")
        }
    }

    /// Whether the check applies on `date` (within its validity, where it states one).
    package func isValid(on date: CalendarDate) -> Bool {
        (validFrom.map { $0 <= date } ?? true) && (validUntil.map { date <= $0 } ?? true)
    }

    /// Whether this check is in force rather than `other` for the same patient and payer: the newer
    /// call, and between two calls of one day the greater id, so every site picks the same one.
    package func supersedes(_ other: CoverageCheck) -> Bool {
        (checkedOn, id.rawValue) > (other.checkedOn, other.id.rawValue)
    }
}

extension CoverageCheck {
    /// A set of codes or sites as stored: a JSON array, sorted, without duplicates, so that equal
    /// sets are equal text at every site and never conflict over their spelling.
    package static func canonicalList<Values: Sequence>(_ values: Values) -> String where Values.Element: CustomStringConvertible {
        jsonStringArray(Set(values.map(\.description)).sorted())
    }

    /// Reads a stored set of sites back (any order and spacing; the writer's form is canonical).
    package static func decodeSites(_ text: String, field: String = "in_network_sites") throws(ValidationError) -> Set<SiteID> {
        var sites: Set<SiteID> = []
        for item in try decodeSimpleStringArray(text, field: field, example: "[\"downtown\",\"uptown\"]") {
            do { sites.insert(try SiteID(item)) } catch {
                throw ValidationError(field: field, rule: "lists an invalid site id: \(error.rule)")
            }
        }
        return sites
    }

    /// The stored value of every synchronised column.
    package var fieldValues: [SyncedColumn: FieldValue] {
        func optionalText(_ text: String?) -> FieldValue { text.map(FieldValue.text) ?? .null }
        func optionalInteger(_ number: Int?) -> FieldValue { number.map { .integer(Int64($0)) } ?? .null }
        func boolean(_ flag: Bool) -> FieldValue { .integer(flag ? 1 : 0) }
        let values: [String: FieldValue] = [
            "patient_id": .text(patientID), "payer": .text(payer), "member_id": .text(memberID),
            "checked_on": .text(checkedOn.description), "checked_by": .text(checkedBy), "site": .text(site.rawValue),
            "reference_number": optionalText(referenceNumber), "rep_name": optionalText(repName), "covered": boolean(covered),
            "requires_prescription": boolean(requiresPrescription), "qualifying_icd10": .text(Self.canonicalList(qualifyingICD10)),
            "visit_limit": optionalInteger(visitLimit), "visit_limit_period": .text(visitLimitPeriod.rawValue),
            "plan_year_start": .text(planYearStart.description), "units_per_visit_limit": optionalInteger(unitsPerVisitLimit),
            "authorization_number": optionalText(authorizationNumber), "valid_from": optionalText(validFrom?.description),
            "valid_until": optionalText(validUntil?.description), "in_network_sites": .text(Self.canonicalList(inNetworkSites)),
            "notes": optionalText(notes), "requires_lmn": boolean(requiresLMN),
        ]
        return Dictionary(uniqueKeysWithValues: SyncedTable.coverageChecks.columns.map { ($0, values[$0.name]!) })
    }
}

/// Texts that need no escaping (codes, site ids) as a compact JSON array, in the order given.
func jsonStringArray(_ texts: [String]) -> String {
    "[" + texts.map { "\"\($0)\"" }.joined(separator: ",") + "]"
}

/// Reads a JSON array of strings that need no escaping (codes, site ids): a split suffices.
func decodeSimpleStringArray(_ text: String, field: String, example: String) throws(ValidationError) -> [String] {
    let trimmed = text.trimmingWhitespace
    let malformed = ValidationError(field: field, rule: "must be a JSON array of strings, e.g. \(example)")
    guard trimmed.count >= 2, trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { throw malformed }
    let inner = trimmed.dropFirst().dropLast()
    guard !inner.trimmingWhitespace.isEmpty else { return [] }
    var items: [String] = []
    for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
        let quoted = Substring(item).trimmingWhitespace
        guard quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\""), !quoted.dropFirst().dropLast().contains("\"") else {
            throw malformed
        }
        items.append(String(quoted.dropFirst().dropLast()))
    }
    return items
}
