/// Bytes as lowercase hexadecimal: fingerprints, and the short digests in alert and conflict ids.
package func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}

/// The id suffix every site derives alike: the first 8 bytes of a digest, as 16 hex digits.
func shortDigest(_ digest: [UInt8]) -> String { lowercaseHex(digest.prefix(8)) }

/// Whether `text` is exactly `count` lowercase hex digits (what ``shortDigest(_:)`` writes).
func isLowercaseHex(_ text: Substring, count: Int) -> Bool {
    text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
}
