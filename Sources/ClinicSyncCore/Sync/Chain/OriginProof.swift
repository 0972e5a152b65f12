/// What a batch carries to let its receiver verify one origin's changes: the origin's groups that
/// the batch's changes (or its `through`) fall in, with the leaves of the numbers the batch does not
/// carry, and the origin's public keys.
package struct OriginProof: Hashable, Sendable {
    /// A group and the leaves of the numbers in it that the batch holds no change for.
    package struct Group: Hashable, Sendable {
        package var header: SealedGroup
        /// By number; empty when the sender holds none of the group's changes (compacted: every
        /// site of the fleet had them), and then the batch carries none of them either.
        package var leaves: [Int64: [UInt8]]

        package init(header: SealedGroup, leaves: [Int64: [UInt8]] = [:]) {
            self.header = header
            self.leaves = leaves
        }
    }

    /// DER SubjectPublicKeyInfo of each key the sender knows the origin by; the receiver keeps only
    /// those whose fingerprint its `fleet` configuration pins for the origin.
    package var publicKeys: [[UInt8]]
    /// In sequence order, each following the one before it in the origin's chain.
    package var groups: [Group]

    package init(publicKeys: [[UInt8]], groups: [Group]) {
        self.publicKeys = publicKeys
        self.groups = groups
    }
}

/// The keys a site accepts each origin's groups from: the sites of its `fleet`, each with the
/// fingerprint of its current key and of any retired key, the latter valid only for groups that
/// end at or before the number given with it.
package struct FleetKeys: Hashable, Sendable {
    /// A pinned key.
    package struct Key: Hashable, Sendable {
        package var fingerprint: Fingerprint
        /// For a retired key: the last number of a group it may have signed.
        package var validThrough: Int64?

        package init(fingerprint: Fingerprint, validThrough: Int64? = nil) {
            self.fingerprint = fingerprint
            self.validThrough = validThrough
        }

        /// Whether this key may have signed a group ending at `last`.
        package func covers(_ last: Int64) -> Bool { validThrough.map { last <= $0 } ?? true }
    }

    /// By site; a site missing here is outside the fleet and its changes are refused.
    package var keys: [SiteID: [Key]]

    package init(_ keys: [SiteID: [Key]]) {
        self.keys = keys
    }
}

extension OriginProof {
    /// The proof for a receiver whose number for the origin is `from - 1`, given the groups the
    /// sender holds that overlap the numbers it sends (in order), the origin's genesis group, and
    /// the numbers of the changes the batch carries.
    package init(publicKeys: [[UInt8]], genesis: SealedGroup, groups: [OriginChainState.StoredGroup], from: Int64, carrying sent: Set<Int64>) {
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
