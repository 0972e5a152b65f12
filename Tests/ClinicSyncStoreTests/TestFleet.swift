import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// Sites with signing keys, each pinned by all: seals a store's changes and delivers signed,
/// verified batches between stores, as the daemon does. A site's key is derived from its id, so a
/// second database under the same id signs with the same key (as a copied disk would).
struct TestFleet {
    let crypto = SiteChainCrypto()
    let sites: [SiteID]

    init(_ sites: [SiteID]) {
        self.sites = Array(Set(sites)).sorted()
    }

    static func signer(for site: SiteID) -> SiteKeySigner {
        try! SiteKeySigner(rawRepresentation: SiteChainCrypto().sha256(Array("clinicsync test key \(site)".utf8)))
    }

    var keys: FleetKeys {
        FleetKeys(
            Dictionary(
                uniqueKeysWithValues: sites.map { site in
                    (site, [FleetKeys.Key(fingerprint: crypto.fingerprint(ofPublicKey: Self.signer(for: site).publicKey))])
                }))
    }

    var verifier: ChainVerifier { ChainVerifier(crypto: crypto, fleet: keys) }

    func sealer(for site: SiteID) -> ChainSealer { ChainSealer(crypto: crypto, signer: Self.signer(for: site)) }

    @discardableResult
    func seal(_ store: SiteStore) throws -> Int { try store.seal(using: sealer(for: store.siteID)) }

    /// One batch of what `target` lacks from `source` (sealed first), applied with verification.
    @discardableResult
    func deliver(from source: SiteStore, to target: SiteStore, limit: Int = .max) throws -> ApplyOutcome {
        try seal(source)
        let batch = try source.changes(missingFrom: target.versionVector(), limit: limit)
        return try apply(batch, to: target)
    }

    @discardableResult
    func apply(_ batch: ChangeBatch, to target: SiteStore) throws -> ApplyOutcome {
        try target.apply(batch.changes, through: batch.through, proofs: batch.proofs, verifier: verifier)
    }
}
