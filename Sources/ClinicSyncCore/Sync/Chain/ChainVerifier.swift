/// Checks that one origin's changes in a batch were written by that origin: every change at or
/// above the origin's genesis lies in a group the origin signed with a key the fleet pins, the
/// groups follow the chain the site holds, and each change gives the leaf its group was sealed
/// with. Pure: the store passes in what it holds and keeps what comes back, in the apply transaction.
package struct ChainVerifier: Sendable {
    package let crypto: any ChainCrypto
    package let fleet: FleetKeys

    package init(crypto: any ChainCrypto, fleet: FleetKeys) {
        self.crypto = crypto
        self.fleet = fleet
    }

    /// Verifies `changes` (all of `origin`, in sequence order), the sender's `through` number for
    /// the origin, and the proof, against what the site holds.
    /// - Returns: the groups and keys to keep.
    package func verify(
        origin: SiteID, changes: [Change], through: Int64?, proof: OriginProof?, state: OriginChainState
    ) throws(ChainRefusal) -> VerifiedChain {
        guard let pins = fleet.keys[origin], !pins.isEmpty else {
            throw ChainRefusal(.unknownOrigin, origin: origin, "the site is not in this site's fleet (configure it under `fleet`)")
        }
        var keys: [(publicKey: [UInt8], pin: FleetKeys.Key)] = []
        var result = VerifiedChain()
        for publicKey in state.knownKeys + (proof?.publicKeys ?? []) where !keys.contains(where: { $0.publicKey == publicKey }) {
            let fingerprint = crypto.fingerprint(ofPublicKey: publicKey)
            guard let pin = pins.first(where: { $0.fingerprint == fingerprint }) else { continue }
            keys.append((publicKey, pin))
            if !state.knownKeys.contains(publicKey) { result.publicKeys.append(publicKey) }
        }
        try Self.checkOrder(changes, origin: origin)
        var walk = Walk(origin: origin, state: state, changes: changes)
        for item in proof?.groups ?? [] {
            try check(item, keys: keys, walk: &walk)
        }
        result.groups = walk.verified
        try walk.checkChanges(changes, crypto: crypto)
        try walk.checkThrough(through)
        return result
    }

    /// Checks that `changes` are all `origin`'s, in strictly increasing sequence order.
    private static func checkOrder(_ changes: [Change], origin: SiteID) throws(ChainRefusal) {
        var previous = Int64.min
        for change in changes {
            guard change.origin == origin, change.sequence > previous else {
                throw ChainRefusal(
                    .malformedProof, origin: origin, "its changes are not in strictly increasing sequence order at #\(change.sequence)")
            }
            previous = change.sequence
        }
    }

    /// The index of the first of `changes` (in sequence order) numbered `sequence` or more.
    static func firstIndex(of sequence: Int64, in changes: [Change]) -> Int {
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle].sequence < sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Checks one group of the proof and adds it to the walk.
    private func check(_ item: OriginProof.Group, keys: [(publicKey: [UInt8], pin: FleetKeys.Key)], walk: inout Walk) throws(ChainRefusal) {
        let group = item.header
        let origin = walk.origin
        guard group.origin == origin else {
            throw ChainRefusal(.malformedProof, origin: origin, "a group of site '\(group.origin)' is in its proof")
        }
        if let problem = group.shapeProblem { throw ChainRefusal(.malformedProof, origin: origin, problem) }
        if let held = walk.heldGroup(matching: group) {
            // Not the signature bytes: an ECDSA signature has two valid forms, and a relay may send either.
            guard held.sameContent(as: group) else {
                try verifySignature(group, keys: keys)
                throw ChainRefusal(
                    .conflictingChange, origin: origin,
                    "two histories signed by the site: this site holds group #\(held.first)...\(held.last), "
                        + "the peer offers #\(group.first)...\(group.last) with other content")
            }
            // A group kept here by its root alone: changes of it in the batch are checked against
            // that root, with the leaves the proof gives for the rest.
            if !group.isGenesis, !walk.keepsLeaves(of: held), let leaves = try leaves(of: item, changes: walk.changes, origin: origin) {
                guard crypto.root(ofLeaves: leaves) == held.root else {
                    throw ChainRefusal(
                        .chainMismatch, origin: origin,
                        "the changes and leaves of group #\(group.first)...\(group.last) do not give the root the site signed (altered, "
                            + "forged or reordered)"
                    )
                }
                walk.confirm(held)
            }
            return
        }
        if group.isGenesis {
            // (A genesis held already was matched above.)
            guard group.root == crypto.root(ofLeaves: []), item.leaves.isEmpty else {
                throw ChainRefusal(.malformedProof, origin: origin, "its genesis group #\(group.first) is not empty")
            }
        } else {
            guard let genesis = walk.genesis else {
                throw ChainRefusal(
                    .chainGap, origin: origin, "group #\(group.first)...\(group.last) came before the chain's start (its genesis group)")
            }
            guard group.genesis == genesis.genesis else { throw walk.conflict(with: group, verifier: self, keys: keys) }
            guard let tip = walk.tip, group.previous == tip.last else {
                throw ChainRefusal(
                    .chainGap, origin: origin,
                    "group #\(group.first)...\(group.last) follows #\(group.previous), but this site's chain of the site ends at "
                        + "#\(walk.tip?.last ?? genesis.last)"
                )
            }
        }
        let leaves = group.isGenesis ? nil : try leaves(of: item, changes: walk.changes, origin: origin)
        if let leaves {
            guard crypto.root(ofLeaves: leaves) == group.root else {
                throw ChainRefusal(
                    .chainMismatch, origin: origin,
                    "the changes and leaves of group #\(group.first)...\(group.last) do not give the root the site signed (altered, forged or "
                        + "reordered)"
                )
            }
        }
        try verifySignature(group, keys: keys)
        walk.accept(OriginChainState.StoredGroup(header: group, leaves: leaves))
    }

    /// The group's leaves from the batch's changes and the proof, or `nil` when it carries neither
    /// (a group compacted at the sender, which stands for its changes by its root).
    private func leaves(of item: OriginProof.Group, changes: [Change], origin: SiteID) throws(ChainRefusal) -> [[UInt8]]? {
        let group = item.header
        let start = Self.firstIndex(of: group.first, in: changes)
        let carried = start < changes.count && changes[start].sequence <= group.last
        if let stray = item.leaves.keys.first(where: { number in
            guard group.contains(number) else { return true }
            let index = Self.firstIndex(of: number, in: changes)
            return index < changes.count && changes[index].sequence == number
        }) {
            throw ChainRefusal(
                .malformedProof, origin: origin,
                "group #\(group.first)...\(group.last) carries a leaf for #\(stray), outside it or for a change the batch holds")
        }
        if let bad = item.leaves.first(where: { $0.value.count != 32 }) {
            throw ChainRefusal(.malformedProof, origin: origin, "the leaf of #\(bad.key) is not 32 bytes")
        }
        guard carried || !item.leaves.isEmpty else { return nil }
        var leaves: [[UInt8]] = []
        leaves.reserveCapacity(Int(group.count))
        var next = start
        for sequence in group.first...group.last {
            if next < changes.count, changes[next].sequence == sequence {
                leaves.append(crypto.leaf(of: changes[next]))
                next += 1
            } else if let leaf = item.leaves[sequence] {
                leaves.append(leaf)
            } else {
                throw ChainRefusal(.malformedProof, origin: origin, "group #\(group.first)...\(group.last) lacks the leaf of #\(sequence)")
            }
        }
        return leaves
    }

    func verifySignature(_ group: SealedGroup, keys: [(publicKey: [UInt8], pin: FleetKeys.Key)]) throws(ChainRefusal) {
        let message = group.message
        let usable = keys.filter { $0.pin.covers(group.last) }
        guard usable.contains(where: { crypto.isValidSignature(group.signature, of: message, publicKey: $0.publicKey) }) else {
            let pinned = fleet.keys[group.origin]?.map(\.fingerprint.rawValue).joined(separator: ", ") ?? "none"
            throw ChainRefusal(
                .badSignature, origin: group.origin,
                "group #\(group.first)...\(group.last) is not signed by a key the fleet pins for the site (\(pinned))"
                    + (keys.isEmpty ? "; the peer sent no such key" : ""))
        }
    }
}
