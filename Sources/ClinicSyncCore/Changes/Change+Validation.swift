extension Change {
    /// Checks what the type system cannot: the value suits the column, and the base precedes the stamp.
    ///
    /// Run on every change that arrives from another site before any of its batch is applied.
    public func validate() throws(ValidationError) {
        if case let .set(column, value) = operation, !column.accepts(value) {
            let expected = column.allowedValues.map { "one of " + $0.joined(separator: ", ") }
                ?? (column.type == .integer ? "an integer or null" : "a string or null")
            throw ValidationError(field: column.name, rule: "value must be \(expected)")
        }
        if case let .text(text) = value, text.utf8.count > Self.maximumTextBytes {
            throw ValidationError(field: column?.name ?? "value", rule: "text longer than \(Self.maximumTextBytes) bytes")
        }
        if let base, base >= stamp {
            throw ValidationError(field: "base", rule: "a change's base (\(base)) must be older than the change itself (\(stamp))")
        }
    }

    /// The longest text value a change may carry (notes included).
    public static let maximumTextBytes = 64 * 1024
}
