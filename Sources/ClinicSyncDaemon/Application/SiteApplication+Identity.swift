package import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

extension SiteApplication {
    /// The site's fingerprint, identity files and database incarnation.
    package func identity() throws(ApplicationError) -> IdentityView {
        let files = configuration.identityFiles
        let identity = try classifyingErrors { try files.load() }
        let incarnation = (try? configuration.openStoreReadOnly().incarnation())??.rawValue ?? "unknown"
        return IdentityView(
            fingerprint: identity.fingerprint.rawValue, certificate: files.certificatePath, privateKey: files.privateKeyPath,
            incarnation: incarnation)
    }

    /// Replaces the site's key and certificate; refused while the daemon runs.
    package func rotateIdentity() throws(ApplicationError) -> KeyRotationResult {
        let rotation = try classifyingErrors { try KeyRotation.run(configuration: configuration) }
        return KeyRotationResult(
            fingerprint: rotation.fingerprint.rawValue, previousFingerprint: rotation.previousFingerprint.rawValue,
            previous: rotation.previousEntry)
    }

    /// Forgets which database this site knew under `site` after two were seen.
    package func clearIdentityConflict(site: SiteID) throws(ApplicationError) {
        let store = try openStore()
        guard try classifyingErrors({ try store.clearIdentityConflict(site) }) else {
            throw ApplicationError(.notFound, "no identity conflict is recorded for site '\(site)'")
        }
    }
}
