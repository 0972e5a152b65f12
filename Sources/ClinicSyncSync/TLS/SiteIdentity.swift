package import ClinicSyncCore
import Crypto
package import NIOSSL

/// A site's TLS identity: its self-signed certificate and private key, and the fingerprint peers pin.
package struct SiteIdentity: Sendable {
    package let certificate: NIOSSLCertificate
    package let privateKey: NIOSSLPrivateKey
    package let fingerprint: Fingerprint

    /// Loads PEM files written by `clinicsync init`.
    package init(certificatePath: String, privateKeyPath: String) throws {
        guard let first = try NIOSSLCertificate.fromPEMFile(certificatePath).first else {
            throw NIOSSLError.failedToLoadCertificate
        }
        certificate = first
        privateKey = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        fingerprint = try Self.fingerprint(of: certificate)
    }

    /// SHA-256 of the certificate's SubjectPublicKeyInfo, as `sha256:<hex>`.
    package static func fingerprint(of certificate: NIOSSLCertificate) throws -> Fingerprint {
        let spki = try certificate.extractPublicKey().toSPKIBytes()
        return Fingerprint(sha256Digest: SHA256.hash(data: spki))
    }
}
