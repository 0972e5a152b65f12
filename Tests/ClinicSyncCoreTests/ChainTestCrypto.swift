import ClinicSyncCore
import Crypto

/// SHA-256 and P-256 from swift-crypto, as the sync layer provides them to the store.
struct ChainTestCrypto: ChainCrypto {
    func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    func isValidSignature(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? P256.Signing.PublicKey(derRepresentation: publicKey),
            let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: message)
    }
}

/// A site's signing key.
struct ChainTestSigner: GroupSigner {
    let key = P256.Signing.PrivateKey()

    var publicKey: [UInt8] { Array(key.publicKey.derRepresentation) }

    var fingerprint: Fingerprint { ChainTestCrypto().fingerprint(ofPublicKey: publicKey) }

    func sign(_ message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message).rawRepresentation) }
}
