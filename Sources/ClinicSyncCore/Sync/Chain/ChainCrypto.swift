/// The two primitives an origin chain needs, implemented above the core (SHA-256 and P-256 ECDSA
/// from swift-crypto) so that the core stays free of platform libraries.
package protocol ChainCrypto: Sendable {
    /// The SHA-256 digest of `bytes` (32 bytes).
    func sha256(_ bytes: [UInt8]) -> [UInt8]
    /// Whether `signature` (64 raw bytes) over `message` verifies with the public key whose DER
    /// SubjectPublicKeyInfo is `publicKey`; false for a key or signature that cannot be parsed.
    func isValidSignature(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool
}

/// Signs group messages with a site's private key; only the site itself holds one.
package protocol GroupSigner: Sendable {
    /// The DER SubjectPublicKeyInfo of the key, sent to peers so they can check it against `fleet`.
    var publicKey: [UInt8] { get }
    /// A 64-byte raw ECDSA signature of `message`.
    func sign(_ message: [UInt8]) throws -> [UInt8]
}

extension ChainCrypto {
    /// The fingerprint of a public key, as `fleet` and `peers` pin it.
    package func fingerprint(ofPublicKey publicKey: [UInt8]) -> Fingerprint {
        Fingerprint(sha256Digest: sha256(publicKey))
    }

    /// The digest of one change in its origin's chain: SHA-256 of 0x00 and its canonical bytes.
    package func leaf(of change: Change) -> [UInt8] {
        sha256(change.canonicalBytes(prefixedBy: 0))
    }

    /// The root of a group: SHA-256 of 0x01 and its leaves in sequence order (an empty group, the
    /// genesis, has the root of no leaves).
    package func root(ofLeaves leaves: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [1]
        bytes.reserveCapacity(1 + 32 * leaves.count)
        for leaf in leaves { bytes += leaf }
        return sha256(bytes)
    }
}
