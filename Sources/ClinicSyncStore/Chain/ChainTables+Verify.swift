import ClinicSyncCore
import GRDB

extension ChainTables {
    /// Verifies each origin of a batch against what the site holds of its chain and keeps the new
    /// keys; throws the first origin's refusal (the caller's transaction then rolls back).
    /// - Returns: the groups verified, to keep with ``keep(_:holding:)`` once the batch is applied.
    static func verify(
        _ db: Database, changes: [Change], through: VersionVector, proofs: [SiteID: OriginProof], verifier: ChainVerifier, holding: VersionVector
    ) throws -> [OriginChainState.StoredGroup] {
        var verifiedGroups: [OriginChainState.StoredGroup] = []
        var byOrigin: [SiteID: [Change]] = [:]
        for change in changes { byOrigin[change.origin, default: []].append(change) }
        let moved = through.sequences.filter { $0.value > holding[$0.key] }.keys
        for origin in Set(byOrigin.keys).union(moved).union(proofs.keys).sorted() {
            let carried = byOrigin[origin] ?? []
            let proof = proofs[origin]
            let numbers = carried.map(\.sequence) + (proof?.groups.flatMap { [$0.header.first, $0.header.last] } ?? [])
            let state = try Self.state(db, origin, overlapping: numbers.min().map { $0...numbers.max()! }, held: holding[origin])
            let verified: VerifiedChain
            do {
                verified = try verifier.verify(origin: origin, changes: carried, through: through.sequences[origin], proof: proof, state: state)
            } catch {
                throw StoreError.chainRefused(error)
            }
            verifiedGroups += verified.groups
            for key in verified.publicKeys { try insertKey(db, origin, key) }
        }
        return verifiedGroups
    }

    /// Keeps the verified groups whose changes the site now holds all of (its number for the
    /// origin reached their end), and every genesis. A group with a change held back, or cut off
    /// by the batch's end, comes again with the rest; keeping only whole groups means a site that
    /// re-seals changes no peer holds (after `clock recover`) never contradicts a group kept elsewhere.
    static func keep(_ groups: [OriginChainState.StoredGroup], _ db: Database, holding: VersionVector) throws {
        for group in groups where group.header.isGenesis || group.header.last <= holding[group.header.origin] {
            try insert(db, group)
        }
    }
}
