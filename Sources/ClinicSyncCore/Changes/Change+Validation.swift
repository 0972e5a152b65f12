extension Change {
    /// Checks what the type system cannot: values suit their columns, each column appears once, the
    /// sequence and timestamp are positive, and the change's knowledge does not claim its own future.
    ///
    /// Run on every change that arrives from another site before any of its batch is applied.
    package func validate() throws(ValidationError) {
        if case let .write(values) = operation {
            guard !values.isEmpty else { throw ValidationError(field: "values", rule: "a write changes at least one column") }
            guard Set(values.map(\.column)).count == values.count else {
                throw ValidationError(field: "values", rule: "a column appears twice in one write")
            }
            for entry in values {
                if !entry.column.accepts(entry.value) {
                    throw ValidationError(field: entry.column.name, rule: "value must be \(entry.column.expectedValue)")
                }
                if case let .text(text) = entry.value, text.utf8.count > Self.maximumTextBytes {
                    throw ValidationError(field: entry.column.name, rule: "text longer than \(Self.maximumTextBytes) bytes")
                }
            }
        }
        guard timestamp > .zero else { throw ValidationError(field: "hlc", rule: "must be a positive hybrid-logical-clock value") }
        switch knowledge {
        case let .vector(vector):
            guard sequence >= 1 else { throw ValidationError(field: "seq", rule: "must be 1 or more") }
            // Only a restored site's change lists its own origin: how far it holds its lower blocks.
            if let own = vector.sequences[origin], Self.numberingBlock(of: own) >= Self.numberingBlock(of: sequence) {
                throw ValidationError(field: "seen", rule: "a change's knowledge may list its own origin only below the change's numbering block")
            }
        case let .legacyBase(base):
            guard sequence == Self.legacySequence(for: timestamp) else {
                throw ValidationError(field: "seq", rule: "a migrated version-1 change is numbered by its timestamp")
            }
            if let base, base >= stamp {
                throw ValidationError(field: "base", rule: "a change's base (\(base)) must be older than the change itself (\(stamp))")
            }
        }
    }

    /// The longest text value a change may carry (notes included).
    package static let maximumTextBytes = 64 * 1024
}
