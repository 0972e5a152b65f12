extension ChainVerifier {
    /// One origin's chain as the proof's groups extend it, and the checks of the batch's changes
    /// and `through` against it.
    struct Walk {
        let origin: SiteID
        let held: Int64
        /// The batch's changes of the origin, in sequence order.
        let changes: [Change]
        private(set) var genesis: SealedGroup?
        private(set) var tip: SealedGroup?
        /// Groups held before and groups verified now, genesis excepted, in sequence order (groups
        /// never overlap, so by `first` and by `last` alike).
        private var groups: [OriginChainState.StoredGroup]
        private(set) var verified: [OriginChainState.StoredGroup] = []
        /// The `first` of each group verified now.
        private var verifiedFirsts: Set<Int64> = []

        init(origin: SiteID, state: OriginChainState, changes: [Change]) {
            self.origin = origin
            held = state.held
            self.changes = changes
            genesis = state.genesis
            tip = state.tip ?? state.genesis
            groups = state.groups.sorted { $0.header.first < $1.header.first }
        }

        /// The group the site holds (or has just verified) at the numbers of `group`, if any.
        func heldGroup(matching group: SealedGroup) -> SealedGroup? {
            if group.isGenesis { return genesis }
            let index = firstIndex(endingAtOrAfter: group.first)
            guard index < groups.count, groups[index].header.first <= group.last else { return nil }
            return groups[index].header
        }

        /// Whether the site keeps the leaves of `group`, one it holds.
        func keepsLeaves(of group: SealedGroup) -> Bool {
            let index = firstIndex(endingAtOrAfter: group.first)
            return index < groups.count && groups[index].header.first == group.first && groups[index].leaves != nil
        }

        /// Counts the batch's changes in `group` (held by its root alone) as checked: the proof gave
        /// the rest of its leaves and they give its root.
        mutating func confirm(_ group: SealedGroup) { verifiedFirsts.insert(group.first) }

        /// The index of the first group whose `last` is at or after `sequence` (binary search).
        private func firstIndex(endingAtOrAfter sequence: Int64) -> Int {
            var low = 0
            var high = groups.count
            while low < high {
                let middle = (low + high) / 2
                if groups[middle].header.last < sequence { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// The refusal of a validly signed group that contradicts the chain held (a second history).
        func conflict(with group: SealedGroup, verifier: ChainVerifier, keys: [(publicKey: [UInt8], pin: FleetKeys.Key)]) -> ChainRefusal {
            do { try verifier.verifySignature(group, keys: keys) } catch { return error }
            return ChainRefusal(
                .conflictingChange, origin: origin,
                "two histories signed by the site: group #\(group.first)...\(group.last) has genesis #\(group.genesis), "
                    + "the chain held here starts at #\(genesis?.genesis ?? 0)")
        }

        mutating func accept(_ group: OriginChainState.StoredGroup) {
            if group.header.isGenesis {
                genesis = group.header
            } else {
                groups.insert(group, at: firstIndex(endingAtOrAfter: group.header.first))
                verifiedFirsts.insert(group.header.first)
            }
            if tip.map({ group.header.last > $0.last }) ?? true { tip = group.header }
            verified.append(group)
        }

        /// Every change at or above the genesis must lie in a group and give its leaf.
        func checkChanges(_ changes: [Change], crypto: any ChainCrypto) throws(ChainRefusal) {
            for change in changes {
                let sequence = change.sequence
                guard let genesis else {
                    throw ChainRefusal(.unsignedChange, origin: origin, "#\(sequence) came without the start of the site's chain (its genesis group)")
                }
                guard sequence >= genesis.genesis else { continue }
                let index = firstIndex(endingAtOrAfter: sequence)
                guard index < groups.count, groups[index].header.contains(sequence) else {
                    throw ChainRefusal(.unsignedChange, origin: origin, "#\(sequence) is in no group the site signed")
                }
                let group = groups[index]
                if verifiedFirsts.contains(group.header.first) { continue }
                guard let expected = group.leaf(sequence) else {
                    // In a group kept here by its root alone, and the proof did not give the rest of
                    // its leaves: nothing to check the change against.
                    throw ChainRefusal(
                        .unsignedChange, origin: origin,
                        "#\(sequence) lies in group #\(group.header.first)...\(group.header.last), "
                            + "which this site keeps by its root alone, and the batch does not give the group's other leaves")
                }
                // Other content under a number the site sealed, with no group signed over it: altered or
                // forged (a second signed history is caught as a conflicting group instead).
                guard crypto.leaf(of: change) == expected else {
                    throw ChainRefusal(
                        .chainMismatch, origin: origin,
                        "#\(sequence) is not the change the site sealed in group #\(group.header.first)...\(group.header.last)")
                }
            }
        }

        /// The sender's number for the origin may move the site's only as far as the chain it proved.
        func checkThrough(_ through: Int64?) throws(ChainRefusal) {
            guard let through, through > held else { return }
            guard let genesis else {
                throw ChainRefusal(.unsignedChange, origin: origin, "the batch holds the site up to #\(through) without the start of its chain")
            }
            guard through < genesis.genesis || through <= (tip?.last ?? genesis.last) else {
                throw ChainRefusal(
                    .chainGap, origin: origin, "the batch holds the site up to #\(through), beyond its signed chain (#\(tip?.last ?? genesis.last))")
            }
        }
    }
}
