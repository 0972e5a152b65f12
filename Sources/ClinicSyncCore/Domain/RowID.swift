/// A row's primary key: a UUID in canonical lowercase form, generated at the site that created the row.
package struct RowID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The lowercase `8-4-4-4-12` hexadecimal form.
    package let rawValue: String

    /// Validates a UUID string; upper-case input is normalised to lower case.
    package init(_ text: String, field: String = "id") throws(ValidationError) {
        let lowered = text.lowercased()
        guard Self.isCanonical(lowered) else {
            throw ValidationError(field: field, rule: "must be a UUID such as 3f2b8c1e-8d4a-4c2e-9b1f-0a6d5e7c9b21")
        }
        rawValue = lowered
    }

    private static func isCanonical(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex =
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                guard isHex else { return false }
            }
        }
        return true
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    package var description: String { rawValue }
}
