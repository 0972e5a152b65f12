import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync

/// Sites with signing keys, each pinned by all: seals a store's changes and delivers signed,
/// verified batches between stores, as the daemon does.
struct TestFleet {
    let crypto = SiteChainCrypto()
    private(set) var signers: [SiteID: SiteKeySigner]

    init(_ sites: [SiteID]) {
        signers = Dictionary(uniqueKeysWithValues: sites.map { ($0, SiteKeySigner(key: .init())) })
    }

    var keys: FleetKeys {
        FleetKeys(signers.mapValues { [FleetKeys.Key(fingerprint: crypto.fingerprint(ofPublicKey: $0.publicKey))] })
    }

    var verifier: ChainVerifier { ChainVerifier(crypto: crypto, fleet: keys) }

    func sealer(for site: SiteID) -> ChainSealer { ChainSealer(crypto: crypto, signer: signers[site]!) }

    @discardableResult
    func seal(_ store: SiteStore) throws -> Int { try store.seal(using: sealer(for: store.siteID)) }

    /// One batch of what `target` lacks from `source` (sealed first), applied with verification.
    @discardableResult
    func deliver(from source: SiteStore, to target: SiteStore, limit: Int = .max) throws -> ApplyOutcome {
        try seal(source)
        let batch = try source.changes(missingFrom: target.versionVector(), limit: limit)
        return try apply(batch, to: target)
    }

    func apply(_ batch: ChangeBatch, to target: SiteStore) throws -> ApplyOutcome {
        try target.apply(batch.changes, through: batch.through, proofs: batch.proofs, verifier: verifier)
    }
}
