/// What a batch carries to let its receiver verify one origin's changes: the origin's groups that
/// the batch's changes (or its `through`) fall in, with the leaves of the numbers the batch does not
/// carry, and the origin's public keys.
public struct OriginProof: Hashable, Sendable {
    /// A group and the leaves of the numbers in it that the batch holds no change for.
    public struct Group: Hashable, Sendable {
        public var header: SealedGroup
        /// By number; empty when the sender holds none of the group's changes (compacted: every
        /// site of the fleet had them), and then the batch carries none of them either.
        public var leaves: [Int64: [UInt8]]

        public init(header: SealedGroup, leaves: [Int64: [UInt8]] = [:]) {
            self.header = header
            self.leaves = leaves
        }
    }

    /// DER SubjectPublicKeyInfo of each key the sender knows the origin by; the receiver keeps only
    /// those whose fingerprint its `fleet` configuration pins for the origin.
    public var publicKeys: [[UInt8]]
    /// In sequence order, each following the one before it in the origin's chain.
    public var groups: [Group]

    public init(publicKeys: [[UInt8]], groups: [Group]) {
        self.publicKeys = publicKeys
        self.groups = groups
    }
}

/// The keys a site accepts each origin's groups from: the sites of its `fleet`, each with the
/// fingerprint of its current key and of any retired key, the latter valid only for groups that
/// end at or before the number given with it.
public struct FleetKeys: Hashable, Sendable {
    /// A pinned key.
    public struct Key: Hashable, Sendable {
        public var fingerprint: Fingerprint
        /// For a retired key: the last number of a group it may have signed.
        public var validThrough: Int64?

        public init(fingerprint: Fingerprint, validThrough: Int64? = nil) {
            self.fingerprint = fingerprint
            self.validThrough = validThrough
        }

        /// Whether this key may have signed a group ending at `last`.
        public func covers(_ last: Int64) -> Bool { validThrough.map { last <= $0 } ?? true }
    }

    /// By site; a site missing here is outside the fleet and its changes are refused.
    public var keys: [SiteID: [Key]]

    public init(_ keys: [SiteID: [Key]]) {
        self.keys = keys
    }
}

extension OriginProof {
    /// The proof for a receiver whose number for the origin is `from - 1`, given the groups the
    /// sender holds that overlap the numbers it sends (in order), the origin's genesis group, and
    /// the numbers of the changes the batch carries.
    public init(publicKeys: [[UInt8]], genesis: SealedGroup, groups: [OriginChainState.StoredGroup], from: Int64, carrying sent: Set<Int64>) {
        var items: [Group] = from <= genesis.genesis ? [Group(header: genesis)] : []
        for group in groups where !group.header.isGenesis {
            var leaves: [Int64: [UInt8]] = [:]
            if let held = group.leaves {
                for (offset, leaf) in held.enumerated() where !sent.contains(group.header.first + Int64(offset)) {
                    leaves[group.header.first + Int64(offset)] = leaf
                }
            }
            items.append(Group(header: group.header, leaves: leaves))
        }
        self.init(publicKeys: publicKeys, groups: items)
    }
}
