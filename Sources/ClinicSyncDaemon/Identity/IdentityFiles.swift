import ClinicSyncCore
import ClinicSyncSync
import Crypto
import Foundation
import SwiftASN1
import X509

/// The site's TLS identity on disk, beside the database: `<database>.cert.pem` and
/// `<database>.key.pem` (owner-only). Created once by `clinicsync init`; replaced only by
/// `clinicsync identity rotate`, which keeps the previous pair as `*.previous.pem`.
struct IdentityFiles: Sendable {
    let certificatePath: String
    let privateKeyPath: String

    /// The identity files of the site whose database is at `databasePath`.
    init(databasePath: String) {
        certificatePath = databasePath + ".cert.pem"
        privateKeyPath = databasePath + ".key.pem"
    }

    /// Whether both files exist.
    var exist: Bool {
        FileManager.default.fileExists(atPath: certificatePath) && FileManager.default.fileExists(atPath: privateKeyPath)
    }

    /// Loads the identity, with a message naming the files when they are missing or unreadable.
    func load() throws(DaemonError) -> SiteIdentity {
        guard exist else { throw .identity(reason: "no site identity at \(certificatePath); run `clinicsync init`") }
        do { return try SiteIdentity(certificatePath: certificatePath, privateKeyPath: privateKeyPath) } catch {
            throw .identity(reason: "cannot read the site identity \(certificatePath) / \(privateKeyPath): \(error)")
        }
    }

    /// Creates a new P-256 key and a self-signed certificate for `site` unless both files exist.
    /// - Returns: whether a new identity was written.
    @discardableResult
    func createIfMissing(site: SiteID) throws(DaemonError) -> Bool {
        guard !exist else { return false }
        try write(site: site)
        return true
    }

    /// Replaces the identity with a new one, keeping the old files as `*.previous.pem`.
    func rotate(site: SiteID) throws(DaemonError) {
        for path in [certificatePath, privateKeyPath] where FileManager.default.fileExists(atPath: path) {
            let previous = path.replacingOccurrences(of: ".pem", with: ".previous.pem")
            try? FileManager.default.removeItem(atPath: previous)
            do { try FileManager.default.moveItem(atPath: path, toPath: previous) } catch {
                throw .identity(reason: "cannot keep the old identity as \(previous): \(error.localizedDescription)")
            }
        }
        try write(site: site)
    }

    private func write(site: SiteID) throws(DaemonError) {
        do {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName {
                OrganizationName("ClinicSync")
                CommonName("clinicsync site \(site)")
            }
            let now = Date()
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions { SubjectAlternativeNames([.dnsName("clinicsync-\(site)")]) },
                issuerPrivateKey: .init(key))
            try Self.writeFile(privateKeyPath, key.pemRepresentation, mode: 0o600)
            try Self.writeFile(certificatePath, try certificate.serializeAsPEM().pemString, mode: 0o644)
        } catch let error as DaemonError {
            throw error
        } catch {
            throw .identity(reason: "cannot create the site identity: \(error)")
        }
    }

    private static func writeFile(_ path: String, _ text: String, mode: Int) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: mode]) else {
            throw DaemonError.identity(reason: "cannot write \(path)")
        }
        chmod(temporary, mode_t(mode))
        guard rename(temporary, path) == 0 else {
            throw DaemonError.identity(reason: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
