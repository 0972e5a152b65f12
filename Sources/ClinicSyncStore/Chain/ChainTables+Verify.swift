import ClinicSyncCore
import GRDB

extension ChainTables {
    /// Verifies each origin of a batch against what the site holds of its chain and keeps the new
    /// groups and keys; throws the first origin's refusal (the caller's transaction then rolls back).
    static func verify(
        _ db: Database, changes: [Change], through: VersionVector, proofs: [SiteID: OriginProof], verifier: ChainVerifier, holding: VersionVector
    ) throws {
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
            for group in verified.groups { try insert(db, group) }
            for key in verified.publicKeys { try insertKey(db, origin, key) }
        }
    }
}
