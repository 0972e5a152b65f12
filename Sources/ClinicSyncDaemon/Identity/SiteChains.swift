import ClinicSyncCore
import ClinicSyncSync
import Foundation
import Synchronization

/// This site's signing key and the keys it accepts each origin's changes from: what seals its own
/// changes before they are served and verifies every batch before it is applied.
struct SiteChains: Sendable {
    let sealer: ChainSealer
    let verifier: ChainVerifier
    /// The other sites compaction waits for (``SiteConfiguration/fleetSiteIDs``), as configured with these keys.
    let members: [SiteID]

    /// Loads the site's key (beside the database) and the fleet's pinned keys from `configuration`.
    init(configuration: SiteConfiguration) throws {
        let signer = try configuration.identityFiles.signer()
        let crypto = SiteChainCrypto()
        sealer = ChainSealer(crypto: crypto, signer: signer)
        verifier = ChainVerifier(
            crypto: crypto, fleet: try configuration.fleetKeys(ownFingerprint: crypto.fingerprint(ofPublicKey: signer.publicKey)))
        members = configuration.fleetSiteIDs
    }
}

/// The chains in use, replaced when a reload brings new fleet keys.
final class CurrentChains: Sendable {
    private let chains: Mutex<SiteChains>

    init(_ chains: SiteChains) {
        self.chains = Mutex(chains)
    }

    var value: SiteChains { chains.withLock { $0 } }

    func replace(with new: SiteChains) { chains.withLock { $0 = new } }
}

extension IdentityFiles {
    /// The signer of the site's groups: its TLS key.
    func signer() throws(DaemonError) -> SiteKeySigner {
        guard FileManager.default.fileExists(atPath: privateKeyPath) else {
            throw .identity(reason: "no site key at \(privateKeyPath); run `clinicsync init`")
        }
        do { return try SiteKeySigner(privateKeyPEM: try String(contentsOfFile: privateKeyPath, encoding: .utf8)) } catch {
            throw .identity(reason: "cannot read the site key \(privateKeyPath): \(error)")
        }
    }
}
