/// What a site holds of one origin's chain, as far as verifying one batch needs it.
package struct OriginChainState: Hashable, Sendable {
    /// A group as a site keeps it.
    package struct StoredGroup: Hashable, Sendable {
        package var header: SealedGroup
        /// The leaves of its numbers in order; `nil` once none of its changes is left anywhere in
        /// reach (the site received it compacted, or compacted all of it), when the root stands for them.
        package var leaves: [[UInt8]]?

        package init(header: SealedGroup, leaves: [[UInt8]]?) {
            self.header = header
            self.leaves = leaves
        }

        /// The leaf of `sequence`, if the group keeps it.
        package func leaf(_ sequence: Int64) -> [UInt8]? {
            guard let leaves, header.contains(sequence) else { return nil }
            return leaves[Int(sequence - header.first)]
        }
    }

    /// The origin's genesis group, once received (or sealed, for the site's own chain).
    package var genesis: SealedGroup?
    /// The origin's last group held (the genesis group while no other follows it).
    package var tip: SealedGroup?
    /// The held groups (genesis excepted) that overlap the batch's numbers, in sequence order.
    package var groups: [StoredGroup]
    /// The site's number for the origin (what it has applied).
    package var held: Int64
    /// Public keys of the origin received before.
    package var knownKeys: [[UInt8]]

    package init(
        genesis: SealedGroup? = nil, tip: SealedGroup? = nil, groups: [StoredGroup] = [], held: Int64 = VersionVector.nothing,
        knownKeys: [[UInt8]] = []
    ) {
        self.genesis = genesis
        self.tip = tip
        self.groups = groups
        self.held = held
        self.knownKeys = knownKeys
    }
}

/// What verifying one origin's part of a batch found: the groups and keys to keep.
package struct VerifiedChain: Hashable, Sendable {
    /// Groups new to the site, in sequence order (the genesis first, when new).
    package var groups: [OriginChainState.StoredGroup]
    /// Keys new to the site, each pinned by the fleet for the origin.
    package var publicKeys: [[UInt8]]

    package init(groups: [OriginChainState.StoredGroup] = [], publicKeys: [[UInt8]] = []) {
        self.groups = groups
        self.publicKeys = publicKeys
    }
}
