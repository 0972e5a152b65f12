import ClinicSyncCore
import Crypto
import NIOSSL

/// A site's TLS identity: its self-signed certificate and private key, and the fingerprint peers pin.
public struct SiteIdentity: Sendable {
    public let certificate: NIOSSLCertificate
    public let privateKey: NIOSSLPrivateKey
    public let fingerprint: Fingerprint

    /// Loads PEM files written by `clinicsync init`.
    public init(certificatePath: String, privateKeyPath: String) throws {
        certificate = try NIOSSLCertificate(file: certificatePath, format: .pem)
        privateKey = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        fingerprint = try Self.fingerprint(of: certificate)
    }

    /// SHA-256 of the certificate's SubjectPublicKeyInfo, as `sha256:<hex>`.
    public static func fingerprint(of certificate: NIOSSLCertificate) throws -> Fingerprint {
        let spki = try certificate.extractPublicKey().toSPKIBytes()
        return Fingerprint(sha256Digest: SHA256.hash(data: spki))
    }
}
