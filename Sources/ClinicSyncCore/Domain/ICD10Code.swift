/// An ICD-10-CM diagnosis code such as `M54.50` or `M79.1`.
///
/// Checks the code's shape (a letter, two characters of category, then up to four after a dot);
/// whether a code exists in the current code set is the prescriber's and payer's business.
package struct ICD10Code: Hashable, Sendable, CustomStringConvertible {
    /// The code in upper case with its dot, e.g. `M54.50`.
    package let rawValue: String

    /// Validates a code's shape; lower-case letters are accepted and normalised.
    package init(_ text: String) throws(ValidationError) {
        let code = text.uppercased()
        let bytes = Array(code.utf8)
        func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let categoryOK =
            bytes.count >= 3 && isLetter(bytes[0]) && isDigit(bytes[1])
            && (isDigit(bytes[2]) || isLetter(bytes[2]))
        let tail = bytes.dropFirst(3)
        let tailOK =
            tail.isEmpty
            || (tail.first == UInt8(ascii: ".") && (2...5).contains(tail.count)
                && tail.dropFirst().allSatisfy { isDigit($0) || isLetter($0) })
        guard categoryOK, tailOK else {
            throw ValidationError(
                field: "icd10_codes",
                rule:
                    "each code must look like an ICD-10-CM code, e.g. M54.50 or M79.1 (letter, digit, character, then optionally a dot and "
                    + "1-4 characters)"
            )
        }
        rawValue = code
    }

    package var description: String { rawValue }

    /// The stored form of a list of codes: a JSON array of strings, e.g. `["M54.50","M79.1"]`.
    package static func encodeList(_ codes: [ICD10Code]) -> String {
        jsonStringArray(codes.map(\.rawValue))
    }

    /// Reads the stored form back (`field` names the column in errors).
    package static func decodeList(_ text: String, field: String = "icd10_codes") throws(ValidationError) -> [ICD10Code] {
        var codes: [ICD10Code] = []
        for item in try decodeSimpleStringArray(text, field: field, example: "[\"M54.50\"]") {
            do { codes.append(try ICD10Code(item)) } catch {
                throw ValidationError(field: field, rule: "lists an invalid code: \(error.rule)")
            }
        }
        return codes
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
