/// A synchronised column and the SQLite type its values take.
package struct SyncedColumn: Hashable, Sendable, CustomStringConvertible {
    /// The kind of value a column holds.
    package enum ValueType: Sendable {
        case text
        case integer
        /// Stored as the integer 0 or 1; any other integer is refused.
        case boolean
    }

    /// The table the column belongs to.
    package let table: SyncedTable
    /// The column's SQL name, also its JSON field name.
    package let name: String
    /// The column's position among its table's synchronised columns (0-based), which is also its
    /// bit in a change-log entry's column mask and its value slot `v<position>`.
    package let position: Int
    /// The type of its non-null values.
    package let type: ValueType
    /// For enumerated columns, the only text values allowed.
    package let allowedValues: [String]?

    init(table: SyncedTable, name: String, position: Int, type: ValueType, allowedValues: [String]? = nil) {
        self.table = table
        self.name = name
        self.position = position
        self.type = type
        self.allowedValues = allowedValues
    }

    /// Whether `value` may be stored in this column: NULL, or a value of the column's type.
    package func accepts(_ value: FieldValue) -> Bool {
        switch (value, type) {
        case (.null, _), (.integer, .integer): return true
        case let (.integer(number), .boolean): return number == 0 || number == 1
        case let (.text(text), .text): return allowedValues?.contains(text) ?? true
        default: return false
        }
    }

    /// A value a person gives this column directly (a conflict resolved with `--value`, or its
    /// losing value kept) in the form the CLI's options store: regions of the documented form,
    /// folded; lists sorted and without duplicates; a frequency as its rule. Refused as the options
    /// would refuse it; other columns' values are returned as given (the row's rules judge them).
    package func canonicalGiven(_ value: FieldValue) throws(ValidationError) -> FieldValue {
        guard case let .text(text) = value else { return value }
        switch (table, name) {
        case (.appointments, "body_region"):
            return .text(try BodyRegion(text).rawValue)
        case (.prescriptions, "body_regions"):
            return .text(BodyRegion.encodeList(try BodyRegion.typedList(text)))
        case (.prescriptions, "frequency"):
            // Text that is no rule is judged by the prescription's rules (a new one must be).
            return (try? VisitFrequency(text)).map { .text($0.description) } ?? value
        case (.prescriptions, "icd10_codes"):
            return .text(ICD10Code.encodeList(try ICD10Code.decodeList(text)))
        case (.coverageChecks, "qualifying_icd10"):
            return .text(CoverageCheck.canonicalList(try ICD10Code.decodeList(text, field: name)))
        case (.coverageChecks, "in_network_sites"):
            return .text(CoverageCheck.canonicalList(try CoverageCheck.decodeSites(text)))
        default:
            return value
        }
    }

    /// What ``accepts(_:)`` allows, in words, for error messages.
    package var expectedValue: String {
        if let allowedValues { return "one of " + allowedValues.joined(separator: ", ") }
        switch type {
        case .text: return "a string or null"
        case .integer: return "an integer or null"
        case .boolean: return "0, 1 or null"
        }
    }

    package var description: String { "\(table).\(name)" }

    /// The columns of `table`, in order, from their names, types and enumerated values.
    private static func columns(
        of table: SyncedTable, _ specification: [(String, ValueType)], allowed: [String: [String]] = [:]
    ) -> [SyncedColumn] {
        specification.enumerated().map { position, column in
            SyncedColumn(table: table, name: column.0, position: position, type: column.1, allowedValues: allowed[column.0])
        }
    }

    static let appointmentColumns = columns(
        of: .appointments,
        [
            ("patient_id", .text), ("patient_name", .text), ("therapist", .text), ("site", .text),
            ("starts_at", .text), ("minutes", .integer), ("units", .integer), ("status", .text),
            ("prescription_id", .text), ("notes", .text), ("body_region", .text),
        ], allowed: ["status": AppointmentStatus.allCases.map(\.rawValue)])

    static let prescriptionColumns = columns(
        of: .prescriptions,
        [
            ("patient_id", .text), ("patient_name", .text), ("prescriber", .text), ("prescriber_npi", .text),
            ("diagnosis", .text), ("icd10_codes", .text), ("visits_authorized", .integer),
            ("units_per_visit", .integer), ("frequency", .text), ("body_region", .text),
            ("issued_on", .text), ("expires_on", .text), ("payer", .text), ("member_id", .text), ("notes", .text),
            ("body_regions", .text), ("lmn_received_on", .text), ("lmn_reference", .text),
        ])

    static let coverageCheckColumns = columns(
        of: .coverageChecks,
        [
            ("patient_id", .text), ("payer", .text), ("member_id", .text), ("checked_on", .text), ("checked_by", .text),
            ("site", .text), ("reference_number", .text), ("rep_name", .text), ("covered", .boolean),
            ("requires_prescription", .boolean), ("qualifying_icd10", .text), ("visit_limit", .integer),
            ("visit_limit_period", .text), ("plan_year_start", .text), ("units_per_visit_limit", .integer),
            ("authorization_number", .text), ("valid_from", .text), ("valid_until", .text), ("in_network_sites", .text),
            ("notes", .text), ("requires_lmn", .boolean),
        ], allowed: ["visit_limit_period": CoverageCheck.VisitLimitPeriod.allCases.map(\.rawValue)])

    static let alertAcknowledgementColumns = columns(
        of: .alertAcknowledgements,
        [("alert_id", .text), ("acknowledged_by", .text), ("site", .text), ("acknowledged_at", .text), ("note", .text)])

    static let conflictReviewColumns = columns(
        of: .conflictReviews,
        [("entry_id", .text), ("decision", .text), ("reviewed_by", .text), ("site", .text), ("reviewed_at", .text), ("note", .text)],
        allowed: ["decision": ConflictDecision.allCases.map(\.rawValue)])

    /// The most synchronised columns any table has: the change log's value slots.
    package static let maximumPerTable = SyncedTable.allCases.map(\.columns.count).max()!
}

/// How a reviewer settled a conflict-journal entry.
package enum ConflictDecision: String, CaseIterable, Sendable {
    /// The value that won stays.
    case winner
    /// The value that lost was written again (a new change, which wins as the newest).
    case loser
    /// A new value was written.
    case value
}
