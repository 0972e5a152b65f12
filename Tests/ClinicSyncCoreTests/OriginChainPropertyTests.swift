import ClinicSyncCore
import PropertyBased
import Testing

/// Random chains, compactions and cuts: an honest sender's batches always verify, and any change
/// or leaf altered in transit is refused.
@Suite("Origin chains: properties")
struct OriginChainPropertyTests {
    @Test("batches an honest sender cuts from a compacted log verify one after another; one altered byte is refused")
    func honestBatchesVerifyAlteredOnesDoNot() async throws {
        let fixture = try ChainFixture(count: 900, sealEvery: 137)
        await propertyCheck(count: 40, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            // The sender compacted a random part of the log, more of it in older groups.
            let held = Set(fixture.changes.map(\.sequence).filter { Int64(random.next() % 1_000) < $0 + 100 })
            var state = OriginChainState()
            var from: Int64 = 1
            while from <= fixture.tip.last {
                let to = min(fixture.tip.last, from + Int64(random.next() % 300))
                let batch = fixture.batch(from: from, to: to, held: held)
                let through = to
                if let target = batch.changes.indices.randomElement(using: &random), random.next() % 4 == 0 {
                    var altered = batch.changes
                    altered[target] = ChainFixture.change(of: fixture.origin, altered[target].sequence, notes: "altered")
                    #expect(throws: ChainRefusal.self, "seed \(seed)") {
                        try fixture.verifier.verify(origin: fixture.origin, changes: altered, through: through, proof: batch.proof, state: state)
                    }
                }
                do {
                    let kept = try fixture.verifier.verify(
                        origin: fixture.origin, changes: batch.changes, through: through, proof: batch.proof, state: state)
                    for group in kept.groups {
                        if group.header.isGenesis { state.genesis = group.header } else { state.groups.append(group) }
                        state.tip = group.header
                    }
                    state.knownKeys += kept.publicKeys
                    state.held = through
                } catch {
                    Issue.record("seed \(seed), batch \(from)...\(to): \(error)")
                    return
                }
                from = to + 1
            }
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
