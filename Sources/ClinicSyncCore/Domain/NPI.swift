/// A US National Provider Identifier: ten digits whose last is a Luhn check digit computed with the
/// card-issuer prefix 80840, as CMS specifies.
package struct NPI: Hashable, Sendable, CustomStringConvertible {
    /// The ten digits.
    package let rawValue: String

    /// Validates length, digits and check digit.
    package init(_ text: String) throws(ValidationError) {
        let digits = text.compactMap(\.wholeNumberValue)
        guard text.count == 10, digits.count == 10, text.allSatisfy(\.isASCII) else {
            throw ValidationError(field: "prescriber_npi", rule: "must be exactly 10 digits")
        }
        guard Self.checkDigit(for: digits.prefix(9)) == digits[9] else {
            throw ValidationError(field: "prescriber_npi", rule: "has a wrong check digit (the 10th digit); re-check the number on the prescription")
        }
        rawValue = text
    }

    /// The Luhn check digit for nine NPI digits, counting the constant prefix 80840 (worth 24).
    static func checkDigit<Digits: Collection<Int>>(for body: Digits) -> Int {
        var sum = 24
        for (index, digit) in body.reversed().enumerated() {
            if index % 2 == 0 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return (10 - sum % 10) % 10
    }

    package var description: String { rawValue }
}
