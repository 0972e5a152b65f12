import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// `clinicsync identity rotate`: replaces the site's key and certificate. Everything the site has
/// written so far is sealed with the old key first, so the old key's groups end at a number that
/// peers are told (`previous: <old fingerprint>@<number>`) and accept the old key up to.
enum KeyRotation {
    /// What a rotation did.
    struct Outcome: Sendable {
        let fingerprint: Fingerprint
        let previousFingerprint: Fingerprint
        /// The last number sealed with the old key.
        let previousValidThrough: Int64

        /// The `previous` entry peers add for this site under `fleet`.
        var previousEntry: String { "\(previousFingerprint)@\(previousValidThrough)" }
    }

    /// Rotates `configuration`'s site key; refused while the daemon (or a sync round) uses the database.
    static func run(configuration: SiteConfiguration) throws -> Outcome {
        try OfflineOperation.run(configuration: configuration, whileRunning: DaemonError.keyRotationWhileRunning) {
            let files = configuration.identityFiles
            let oldSigner = try files.signer()
            let crypto = SiteChainCrypto()
            let store = try configuration.openStore()
            // While recovering, the site seals nothing: the old key's groups would end at a number
            // below what peers hold of it, and they would refuse what it signed above that.
            let recovering = try store.recoveringFrom()
            guard recovering.isEmpty else {
                throw DaemonError.identity(
                    reason: "this site is still getting back its changes after a restore (from "
                        + recovering.map(\.rawValue).joined(separator: ", ") + "); sync with those peers first, then rotate")
            }
            try store.seal(using: ChainSealer(crypto: crypto, signer: oldSigner))
            let sealedThrough = try store.sealedThrough()
            try files.rotate(site: configuration.siteID)
            return Outcome(
                fingerprint: crypto.fingerprint(ofPublicKey: try files.signer().publicKey),
                previousFingerprint: crypto.fingerprint(ofPublicKey: oldSigner.publicKey), previousValidThrough: sealedThrough)
        }
    }
}
