/// What a site holds, as one watermark per origin site: the greatest timestamp of that origin's
/// changes it has applied.
///
/// Changes of one origin always travel in timestamp order and batches apply all or nothing, so a
/// site holding an origin's change at time T holds every earlier change of that origin: one
/// watermark per origin is a complete summary, and "what a peer lacks" is every change above the
/// peer's watermark for its origin.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    /// The greatest timestamp held per origin site; an absent origin means nothing held.
    public private(set) var watermarks: [SiteID: HybridTimestamp]

    /// A vector from known watermarks.
    public init(_ watermarks: [SiteID: HybridTimestamp] = [:]) {
        self.watermarks = watermarks
    }

    /// The watermark for `origin`, `.zero` if nothing is held from it.
    public subscript(origin: SiteID) -> HybridTimestamp {
        watermarks[origin] ?? .zero
    }

    /// Whether the holder of this vector already has the change stamped `stamp`.
    public func covers(_ stamp: WriteStamp) -> Bool {
        stamp.timestamp <= self[stamp.origin]
    }

    /// Raises the origin's watermark to `stamp` if it is higher.
    public mutating func advance(to stamp: WriteStamp) {
        if stamp.timestamp > self[stamp.origin] { watermarks[stamp.origin] = stamp.timestamp }
    }

    /// The pointwise maximum of two vectors.
    public func merged(with other: VersionVector) -> VersionVector {
        VersionVector(watermarks.merging(other.watermarks) { max($0, $1) })
    }

    public var description: String {
        watermarks.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
