/// A value that breaks a rule of the domain, naming the field and the rule.
///
/// Messages never quote patient data (names, diagnoses, notes): they say what is expected instead.
package struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault, as named in the CLI and JSON (e.g. `expires_on`).
    package let field: String
    /// What the field must satisfy.
    package let rule: String

    /// Describes a broken rule.
    package init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    package var description: String { "invalid \(field): \(rule)" }
}
