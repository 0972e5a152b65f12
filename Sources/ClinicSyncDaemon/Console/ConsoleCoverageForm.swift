import ClinicSyncCore
import Foundation

/// The coverage form: the fields of `clinicsync coverage add`, read into a ``CoverageCheck`` with
/// each problem kept beside the field it concerns, so the page can show it there.
struct ConsoleCoverageForm {
    /// The form's fields, in the order the page shows them: name, label, hint.
    static let fields: [(name: String, label: String, hint: String)] = [
        ("patient_id", "Patient id", ""), ("payer", "Payer", ""), ("member_id", "Member id", ""),
        ("checked_on", "Day of the call", "YYYY-MM-DD"), ("reference", "Call reference number", ""), ("rep", "Payer representative", ""),
        ("covered", "Covered", "yes or no"), ("requires_prescription", "Requires a prescription", "yes or no"),
        ("requires_lmn", "Requires a letter of medical necessity", "yes or no"),
        ("icd10", "Qualifying ICD-10 codes", "comma-separated; empty: any code"), ("visit_limit", "Visit limit", "empty: unlimited"),
        ("visit_limit_period", "Visit limit counts per", "plan_year or authorization"),
        ("plan_year_start", "Plan year starts", "MM-DD, e.g. 07-01"), ("units_per_visit_limit", "Units per visit limit", ""),
        ("authorization", "Authorization number", "required when the limit counts per authorization"),
        ("valid_from", "Valid from", "YYYY-MM-DD"), ("valid_until", "Valid until", "YYYY-MM-DD"),
        ("in_network", "In-network sites", "comma-separated site ids; empty: every site"), ("notes", "Notes", ""),
    ]

    let values: [String: String]
    private(set) var errors: [String: String] = [:]
    private(set) var check: CoverageCheck?

    /// Reads `values`; `check` is set when every field is well formed and the record keeps its rules.
    init(_ values: [String: String], site: SiteID, checkedBy: String, today: CalendarDate) {
        self.values = values
        func text(_ name: String) -> String? {
            values[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func required(_ name: String) -> String {
            guard let value = text(name) else {
                errors[name] = "is required"
                return ""
            }
            return value
        }
        func yesNo(_ name: String, default fallback: Bool) -> Bool {
            switch text(name)?.lowercased() {
            case nil: return fallback
            case "yes": return true
            case "no": return false
            default:
                errors[name] = "must be yes or no"
                return fallback
            }
        }
        func parsed<T>(_ name: String, _ parse: (String) throws(ValidationError) -> T) -> T? {
            guard let value = text(name) else { return nil }
            do { return try parse(value) } catch {
                errors[name] = error.rule
                return nil
            }
        }
        func number(_ name: String) -> Int? {
            parsed(name) { text throws(ValidationError) in
                guard let number = Int(text) else { throw ValidationError(field: name, rule: "must be a whole number") }
                return number
            }
        }
        func list<T>(_ name: String, _ parse: (String) throws(ValidationError) -> T) -> [T] {
            parsed(name) { text throws(ValidationError) in
                var items: [T] = []
                for item in text.split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                    items.append(try parse(item.trimmingCharacters(in: .whitespaces)))
                }
                return items
            } ?? []
        }
        let patientID = required("patient_id")
        let payer = required("payer")
        let memberID = required("member_id")
        let checkedOn = parsed("checked_on") { text throws(ValidationError) in try CalendarDate(text, field: "checked_on") } ?? today
        let coveredText = text("covered")
        if coveredText == nil { errors["covered"] = "is required: yes or no" }
        var check = CoverageCheck(
            id: (try? RowID(UUID().uuidString.lowercased()))!, patientID: patientID, payer: payer, memberID: memberID, checkedOn: checkedOn,
            checkedBy: checkedBy, site: site, covered: yesNo("covered", default: false),
            requiresPrescription: yesNo("requires_prescription", default: true), requiresLMN: yesNo("requires_lmn", default: false))
        check.referenceNumber = text("reference")
        check.repName = text("rep")
        check.qualifyingICD10 = Set(list("icd10") { text throws(ValidationError) in try ICD10Code(text) })
        check.visitLimit = number("visit_limit")
        if let period = text("visit_limit_period") {
            if let parsed = CoverageCheck.VisitLimitPeriod(rawValue: period) {
                check.visitLimitPeriod = parsed
            } else {
                errors["visit_limit_period"] = "must be plan_year or authorization"
            }
        }
        check.planYearStart = parsed("plan_year_start") { text throws(ValidationError) in try PlanYearStart(text) } ?? .januaryFirst
        check.unitsPerVisitLimit = number("units_per_visit_limit")
        check.authorizationNumber = text("authorization")
        check.validFrom = parsed("valid_from") { text throws(ValidationError) in try CalendarDate(text, field: "valid_from") }
        check.validUntil = parsed("valid_until") { text throws(ValidationError) in try CalendarDate(text, field: "valid_until") }
        check.inNetworkSites = Set(list("in_network") { text throws(ValidationError) in try SiteID(text) })
        check.notes = text("notes")
        guard errors.isEmpty else { return }
        do { try check.validate() } catch {
            errors[Self.formField(error.field)] = error.rule
            return
        }
        self.check = check
    }

    /// The form field a record field's rule concerns.
    static func formField(_ field: String) -> String {
        ["reference_number": "reference", "rep_name": "rep", "authorization_number": "authorization", "qualifying_icd10": "icd10"][field] ?? field
    }

    /// The fields as the template shows them, with values and errors.
    func rows() -> [[String: Any]] {
        Self.fields.map { field in
            var row: [String: Any] = [
                "name": field.name, "label": field.label, "hint": field.hint, "value": ConsoleText.attributeSafe(values[field.name] ?? ""),
            ]
            if let error = errors[field.name] { row["fieldError"] = error }
            return row
        }
    }
}
