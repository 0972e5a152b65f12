/// What a site holds, as one sequence number per origin site: the greatest sequence number of that
/// origin's changes it has applied.
///
/// Every site numbers its own changes 1, 2, 3, ... (dense), changes of one origin travel in
/// sequence order and batches apply all or nothing, so a site holding an origin's change N holds
/// every earlier change of that origin (or, after compaction, its effect): one number per origin is
/// a complete summary, and "what a peer lacks" is every change above the peer's number for its
/// origin. Changes migrated from the version-1 log, which had no sequence numbers, are numbered
/// below every version-2 change (see ``Change/legacySequence(for:)``).
package struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    /// The greatest sequence number held per origin site; an absent origin means nothing held.
    package private(set) var sequences: [SiteID: Int64]

    /// The sequence number standing for "nothing held from this origin".
    package static let nothing = Int64.min

    /// A vector from known sequence numbers.
    package init(_ sequences: [SiteID: Int64] = [:]) {
        self.sequences = sequences
    }

    /// The greatest sequence number held from `origin`, ``nothing`` if none.
    package subscript(origin: SiteID) -> Int64 {
        sequences[origin] ?? Self.nothing
    }

    /// Whether the holder of this vector has the change `sequence` of `origin`.
    package func holds(_ origin: SiteID, _ sequence: Int64) -> Bool {
        sequence <= self[origin]
    }

    /// Raises the origin's number to `sequence` if it is higher.
    package mutating func advance(_ origin: SiteID, to sequence: Int64) {
        if sequence > self[origin] { sequences[origin] = sequence }
    }

    /// The pointwise maximum of two vectors.
    package func merged(with other: VersionVector) -> VersionVector {
        VersionVector(sequences.merging(other.sequences) { max($0, $1) })
    }

    /// The pointwise minimum over origins both hold (an origin one of them lacks is absent): what
    /// holders of both vectors have in common.
    package func meet(_ other: VersionVector) -> VersionVector {
        var common: [SiteID: Int64] = [:]
        for (origin, sequence) in sequences {
            if let theirs = other.sequences[origin] { common[origin] = min(sequence, theirs) }
        }
        return VersionVector(common)
    }

    /// Whether this vector holds at least everything `other` holds.
    package func dominates(_ other: VersionVector) -> Bool {
        other.sequences.allSatisfy { self[$0.key] >= $0.value }
    }

    package var description: String {
        sequences.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The stored and wire text form `origin=sequence,...` in site order (site ids never contain `=` or `,`).
    package var text: String { description }

    /// Reads the text form, refusing malformed site ids or numbers.
    package init(text: String) throws(ValidationError) {
        var sequences: [SiteID: Int64] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let sequence = Int64(parts[1]) else {
                throw ValidationError(field: "vector", rule: "must be origin=sequence pairs separated by commas")
            }
            sequences[try SiteID(String(parts[0]))] = sequence
        }
        self.init(sequences)
    }
}
