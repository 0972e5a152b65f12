/// The identity of a clinic site: 1 to 64 characters of lowercase letters, digits, `-` and `_`,
/// starting with a letter or digit. It orders ties between equal timestamps, so it must be unique.
package struct SiteID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The identifier as written in the configuration.
    package let rawValue: String

    /// Validates an identifier from configuration, the database or the wire.
    package init(_ rawValue: String) throws(ValidationError) {
        guard Self.isValid(rawValue) else {
            throw ValidationError(
                field: "site.id",
                rule: "must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit (got \(rawValue.count) characters)")
        }
        self.rawValue = rawValue
    }

    /// Whether a string is a well-formed site id.
    package static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        func allowed(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return allowed(bytes[0]) && bytes.allSatisfy { allowed($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8) }

    package var description: String { rawValue }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try SiteID(text)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
