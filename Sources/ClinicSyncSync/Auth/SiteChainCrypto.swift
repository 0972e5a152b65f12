import ClinicSyncCore
package import Crypto

/// SHA-256 and P-256 ECDSA from swift-crypto, for origin chains.
package struct SiteChainCrypto: ChainCrypto {
    package init() {}

    package func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    package func isValidSignature(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? P256.Signing.PublicKey(derRepresentation: publicKey),
            let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: message)
    }
}

/// Signs this site's groups with its identity key: the P-256 key of its TLS certificate, whose
/// fingerprint peers pin already.
package struct SiteKeySigner: GroupSigner {
    private let key: P256.Signing.PrivateKey

    /// A signer with `key`.
    package init(key: P256.Signing.PrivateKey) {
        self.key = key
    }

    /// A signer with the key whose 32-byte private scalar is `rawRepresentation` (tests and
    /// benchmarks derive keys this way, so that a site has the same key in every store they make).
    package init(rawRepresentation: [UInt8]) throws {
        key = try P256.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// A signer with the key in PEM form, as `clinicsync init` writes it.
    package init(privateKeyPEM: String) throws {
        key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
    }

    package var publicKey: [UInt8] { Array(key.publicKey.derRepresentation) }

    package func sign(_ message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message).rawRepresentation) }
}
