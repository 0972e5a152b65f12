import ClinicSyncCore
import Testing

/// Verifying one origin's changes against the groups it signed (docs/design/authenticated-origins.md).
@Suite("Origin chains: what a receiver accepts")
struct OriginChainTests {
    @Test("a run from the genesis, a resume after a tip, a cut inside a group and legacy numbers below the genesis verify")
    func acceptedRuns() throws {
        let fixture = try ChainFixture(genesis: 41, count: 700, sealEvery: 300)
        #expect(fixture.groups.map(\.header.count) == [256, 44, 256, 44, 100])
        let verifier = fixture.verifier
        let whole = fixture.batch(from: 1)
        let legacy = (1...40).map { ChainFixture.change(of: fixture.origin, Int64($0)) }
        let kept = try verifier.verify(
            origin: fixture.origin, changes: legacy + whole.changes, through: fixture.tip.last,
            proof: whole.proof, state: OriginChainState())
        #expect(kept.groups.count == 6 && kept.groups.first?.header.isGenesis == true && kept.publicKeys == [fixture.signer.publicKey])

        let resumed = fixture.batch(from: 341)
        let afterTip = try verifier.verify(
            origin: fixture.origin, changes: resumed.changes, through: nil, proof: resumed.proof,
            state: fixture.state(heldUpTo: 340))
        #expect(afterTip.groups.map(\.header.first) == [341, 597, 641])

        // Cut at 400 (inside 341...596): the rest of that group comes as leaves; then 401 on.
        let cut = fixture.batch(from: 341, to: 400)
        #expect(cut.proof.groups.map(\.leaves.count) == [196])
        let first = try verifier.verify(
            origin: fixture.origin, changes: cut.changes, through: nil, proof: cut.proof, state: fixture.state(heldUpTo: 340))
        var state = fixture.state(heldUpTo: 400, groupsThrough: 340)
        state.groups += first.groups
        state.tip = first.groups.last?.header
        let rest = fixture.batch(from: 401)
        #expect(
            try verifier.verify(origin: fixture.origin, changes: rest.changes, through: nil, proof: rest.proof, state: state).groups.map(
                \.header.first) == [597, 641])
    }

    @Test("groups the sender compacted stand for their changes by their root and by leaves, so a late joiner still verifies")
    func compactedHistory() throws {
        let fixture = try ChainFixture(count: 600, sealEvery: 600)
        // The sender compacted all of 1...256 and every other change of 257...512; it keeps 513...600.
        let held = Set((257...512).filter { $0 % 2 == 0 }.map(Int64.init) + (513...600).map(Int64.init))
        let batch = fixture.batch(from: 1, held: held)
        #expect(batch.proof.groups[1].leaves.isEmpty && batch.proof.groups[2].leaves.count == 128)
        let kept = try fixture.verifier.verify(
            origin: fixture.origin, changes: batch.changes, through: 600, proof: batch.proof, state: OriginChainState())
        #expect(kept.groups.map { $0.leaves == nil } == [true, true, false, false])
    }

    @Test("each forgery is refused with its code", arguments: Forgery.allCases)
    func forgeries(_ forgery: Forgery) throws {
        let fixture = try ChainFixture(count: 300, sealEvery: 300)
        var (changes, proof) = fixture.batch(from: 1)
        var state = OriginChainState()
        var through: Int64? = nil
        var fleet = fixture.fleet
        let stranger = ChainTestSigner()
        switch forgery {
        case .alteredValue:
            changes[5] = ChainFixture.change(of: fixture.origin, 6, notes: "forged")
        case .swapped:
            changes.swapAt(5, 6)
        case .droppedWithoutLeaf:
            changes.remove(at: 5)
        case .fakeLeaf:
            changes.remove(at: 5)
            proof.groups[1].leaves[6] = Array(repeating: 7, count: 32)
        case .omittedGroup:
            proof.groups.remove(at: 1)
            changes.removeFirst(256)
        case .unknownKey:
            proof.publicKeys = [stranger.publicKey]
        case .resignedByStranger:
            fleet = FleetKeys([
                fixture.origin: [FleetKeys.Key(fingerprint: stranger.fingerprint), FleetKeys.Key(fingerprint: fixture.signer.fingerprint)]
            ])
            proof.publicKeys.append(stranger.publicKey)
            proof.groups[1].header.signature = try stranger.sign(proof.groups[1].header.message + [0])
        case .retiredKeyPastUntil:
            fleet = FleetKeys([fixture.origin: [FleetKeys.Key(fingerprint: fixture.signer.fingerprint, validThrough: 100)]])
        case .outsideFleet:
            fleet = FleetKeys([:])
        case .otherOriginsSignature:
            let other = try ChainFixture(origin: "b", count: 300, sealEvery: 300, signer: fixture.signer)
            proof.groups[1].header.signature = other.groups[0].header.signature
        case .heldWithOtherContent:
            state = fixture.state(heldUpTo: 300)
            let twin = try ChainFixture(count: 300, sealEvery: 100, signer: fixture.signer)
            (changes, proof) = twin.batch(from: 1)
        case .changeAfterLastGroup:
            changes.append(ChainFixture.change(of: fixture.origin, 301))
        case .throughBeyondChain:
            through = 400
        case .noGenesis:
            proof.groups.removeFirst()
        }
        let verifier = ChainVerifier(crypto: fixture.crypto, fleet: fleet)
        #expect(throws: ChainRefusal.self) {
            try verifier.verify(origin: fixture.origin, changes: changes, through: through, proof: proof, state: state)
        }
        do {
            _ = try verifier.verify(origin: fixture.origin, changes: changes, through: through, proof: proof, state: state)
        } catch {
            #expect(error.code == forgery.code, "\(error)")
            #expect(error.origin == fixture.origin)
        }
    }

    enum Forgery: CaseIterable, Sendable {
        case alteredValue, swapped, droppedWithoutLeaf, fakeLeaf, omittedGroup, unknownKey, resignedByStranger,
            retiredKeyPastUntil, outsideFleet, otherOriginsSignature, heldWithOtherContent, changeAfterLastGroup,
            throughBeyondChain, noGenesis

        var code: ChainRefusal.Code {
            switch self {
            case .alteredValue, .fakeLeaf: .chainMismatch
            case .swapped, .droppedWithoutLeaf: .malformedProof
            case .omittedGroup, .throughBeyondChain, .noGenesis: .chainGap
            case .unknownKey, .resignedByStranger, .retiredKeyPastUntil, .otherOriginsSignature: .badSignature
            case .outsideFleet: .unknownOrigin
            case .heldWithOtherContent: .conflictingChange
            case .changeAfterLastGroup: .unsignedChange
            }
        }
    }
}
