/// What a site holds of one origin's chain, as far as verifying one batch needs it.
public struct OriginChainState: Hashable, Sendable {
    /// A group as a site keeps it.
    public struct StoredGroup: Hashable, Sendable {
        public var header: SealedGroup
        /// The leaves of its numbers in order; `nil` once none of its changes is left anywhere in
        /// reach (the site received it compacted, or compacted all of it), when the root stands for them.
        public var leaves: [[UInt8]]?

        public init(header: SealedGroup, leaves: [[UInt8]]?) {
            self.header = header
            self.leaves = leaves
        }

        /// The leaf of `sequence`, if the group keeps it.
        public func leaf(_ sequence: Int64) -> [UInt8]? {
            guard let leaves, header.contains(sequence) else { return nil }
            return leaves[Int(sequence - header.first)]
        }
    }

    /// The origin's genesis group, once received (or sealed, for the site's own chain).
    public var genesis: SealedGroup?
    /// The origin's last group held (the genesis group while no other follows it).
    public var tip: SealedGroup?
    /// The held groups (genesis excepted) that overlap the batch's numbers, in sequence order.
    public var groups: [StoredGroup]
    /// The site's number for the origin (what it has applied).
    public var held: Int64
    /// Public keys of the origin received before.
    public var knownKeys: [[UInt8]]

    public init(genesis: SealedGroup? = nil, tip: SealedGroup? = nil, groups: [StoredGroup] = [], held: Int64 = VersionVector.nothing, knownKeys: [[UInt8]] = []) {
        self.genesis = genesis
        self.tip = tip
        self.groups = groups
        self.held = held
        self.knownKeys = knownKeys
    }
}

/// What verifying one origin's part of a batch found: the groups and keys to keep.
public struct VerifiedChain: Hashable, Sendable {
    /// Groups new to the site, in sequence order (the genesis first, when new).
    public var groups: [OriginChainState.StoredGroup]
    /// Keys new to the site, each pinned by the fleet for the origin.
    public var publicKeys: [[UInt8]]

    public init(groups: [OriginChainState.StoredGroup] = [], publicKeys: [[UInt8]] = []) {
        self.groups = groups
        self.publicKeys = publicKeys
    }
}
