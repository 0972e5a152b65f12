/// A run of one origin's consecutive changes, sealed by the origin with its site key: what makes a
/// change verifiable as written by its origin at every site, however many relays it went through
/// (docs/design/authenticated-origins.md).
///
/// The signature covers the origin, its genesis, the last number of the origin's previous group,
/// this group's numbers and the root of its changes' leaves. Linking each group to the previous one
/// means a relay can neither forge, alter or reorder changes nor skip a group to move a receiver's
/// number for the origin past changes it never sent. Each origin's chain starts with an empty
/// genesis group at its first chained number; numbers below it are legacy (written before chains).
package struct SealedGroup: Hashable, Sendable {
    /// The most changes in one group: a receiver cut mid-group needs the leaves of the rest, so
    /// groups stay small, and one signature per group keeps signing and checking cheap.
    package static let maximumChanges: Int64 = 256

    /// The site that made (and sealed) the changes.
    package var origin: SiteID
    /// The origin's first chained number; the same in every group of the origin.
    package var genesis: Int64
    /// The last number of the origin's previous group (genesis − 1 for the first after the genesis).
    package var previous: Int64
    /// The group's first number.
    package var first: Int64
    /// The group's last number; first − 1 for the genesis group, which holds no change.
    package var last: Int64
    /// SHA-256 over the leaves of the group's changes (``ChainCrypto/root(ofLeaves:)``).
    package var root: [UInt8]
    /// The origin's 64-byte ECDSA signature of ``message``.
    package var signature: [UInt8]

    /// A group as sealed or received.
    package init(origin: SiteID, genesis: Int64, previous: Int64, first: Int64, last: Int64, root: [UInt8], signature: [UInt8]) {
        self.origin = origin
        self.genesis = genesis
        self.previous = previous
        self.first = first
        self.last = last
        self.root = root
        self.signature = signature
    }

    /// The empty group that starts `origin`'s chain at `genesis`, not yet signed.
    package static func genesis(of origin: SiteID, at genesis: Int64, crypto: some ChainCrypto) -> SealedGroup {
        SealedGroup(
            origin: origin, genesis: genesis, previous: genesis - 1, first: genesis, last: genesis - 1,
            root: crypto.root(ofLeaves: []), signature: [])
    }

    /// Whether `other` is this group: the same signed header, whatever the signature's bytes.
    package func sameContent(as other: SealedGroup) -> Bool {
        origin == other.origin && genesis == other.genesis && previous == other.previous && first == other.first
            && last == other.last && root == other.root
    }

    /// Whether this is the empty group that starts the origin's chain.
    package var isGenesis: Bool { first == genesis && last == genesis - 1 && previous == genesis - 1 }

    /// How many numbers (changes) the group covers.
    package var count: Int64 { last - first + 1 }

    /// Whether the group covers `sequence`.
    package func contains(_ sequence: Int64) -> Bool { first <= sequence && sequence <= last }

    /// The bytes the origin signs; never sent, each receiver rebuilds them from the header.
    ///
    ///     "clinicsync group v1" 0x00 ‖ u32 n ‖ origin ‖ i64 genesis ‖ i64 previous ‖ i64 first ‖ i64 last ‖ root
    package var message: [UInt8] {
        var bytes = Array("clinicsync group v1".utf8) + [0]
        let origin = Array(self.origin.rawValue.utf8)
        Self.append(UInt64(origin.count), width: 4, to: &bytes)
        bytes += origin
        for number in [genesis, previous, first, last] { Self.append(UInt64(bitPattern: number), width: 8, to: &bytes) }
        bytes += root
        return bytes
    }

    /// Why the header cannot be a group, if it cannot (the signature is checked separately).
    package var shapeProblem: String? {
        if root.count != 32 { return "the root is not 32 bytes" }
        if signature.count != 64 { return "the signature is not 64 bytes" }
        if genesis < 1 { return "the genesis is below 1" }
        if isGenesis { return nil }
        if first < genesis || last < first { return "numbers \(first)...\(last) are not a group after genesis \(genesis)" }
        if count > Self.maximumChanges { return "group \(first)...\(last) holds more than \(Self.maximumChanges) changes" }
        if previous < genesis - 1 || previous >= first { return "group \(first)...\(last) follows \(previous), which is not before it" }
        return nil
    }

    /// Appends the low `width` bytes of `number`, most significant first.
    private static func append(_ number: UInt64, width: Int, to bytes: inout [UInt8]) {
        for index in (0..<width).reversed() { bytes.append(UInt8(truncatingIfNeeded: number >> UInt64(8 * index))) }
    }
}
