/// Cuts a site's own new changes into groups and signs them: consecutive numbers, at most
/// ``SealedGroup/maximumChanges`` each, a new group wherever the numbers jump (after a restore).
package struct ChainSealer: Sendable {
    package let crypto: any ChainCrypto
    package let signer: any GroupSigner

    package init(crypto: any ChainCrypto, signer: any GroupSigner) {
        self.crypto = crypto
        self.signer = signer
    }

    /// The signed genesis group of `origin` at `genesis`.
    package func genesis(of origin: SiteID, at genesis: Int64) throws -> SealedGroup {
        var group = SealedGroup.genesis(of: origin, at: genesis, crypto: crypto)
        group.signature = try signer.sign(group.message)
        return group
    }

    /// Seals `changes` (the origin's next ones after `tip`, in sequence order, none below it).
    /// - Returns: each group with the leaves of its changes.
    package func seal(_ changes: [Change], after tip: SealedGroup) throws -> [OriginChainState.StoredGroup] {
        var sealed: [OriginChainState.StoredGroup] = []
        var previous = tip.last
        var start = changes.startIndex
        while start < changes.endIndex {
            var end = start + 1
            while end < changes.endIndex, end - start < Int(SealedGroup.maximumChanges),
                changes[end].sequence == changes[end - 1].sequence + 1
            { end += 1 }
            let run = changes[start..<end]
            let leaves = run.map { crypto.leaf(of: $0) }
            var group = SealedGroup(
                origin: tip.origin, genesis: tip.genesis, previous: previous, first: run.first!.sequence,
                last: run.last!.sequence, root: crypto.root(ofLeaves: leaves), signature: [])
            group.signature = try signer.sign(group.message)
            precondition(group.shapeProblem == nil, "sealed changes out of order: \(group.shapeProblem ?? "")")
            sealed.append(OriginChainState.StoredGroup(header: group, leaves: leaves))
            previous = group.last
            start = end
        }
        return sealed
    }
}
