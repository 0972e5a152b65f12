/// A site's certificate fingerprint: `sha256:` and the 64 lowercase hex digits of the SHA-256 of
/// the certificate's public key (its DER SubjectPublicKeyInfo). Pinning the key rather than the
/// whole certificate lets a site renew its certificate without peers noticing.
package struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The `sha256:...` form used in configuration, logs and `status`.
    package let rawValue: String

    /// Validates the written form.
    package init(_ text: String) throws(ValidationError) {
        let hex = text.hasPrefix("sha256:") ? text.dropFirst(7) : ""
        guard hex.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ValidationError(field: "fingerprint", rule: "must be sha256: followed by 64 lowercase hex digits, as `clinicsync init` prints it")
        }
        rawValue = text
    }

    /// The fingerprint of a SHA-256 digest.
    package init(sha256Digest digest: some Sequence<UInt8>) {
        rawValue = "sha256:" + lowercaseHex(digest)
    }

    package var description: String { rawValue }
}
