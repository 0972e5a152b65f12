/// A value that breaks a rule of the domain, naming the field and the rule.
///
/// Messages never quote patient data (names, diagnoses, notes): they say what is expected instead.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault, as named in the CLI and JSON (e.g. `expires_on`).
    public let field: String
    /// What the field must satisfy.
    public let rule: String

    /// Describes a broken rule.
    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var description: String { "invalid \(field): \(rule)" }
}
