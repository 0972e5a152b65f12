/// What the peer protocol needs from a site's store: its identity, what it holds, the changes a
/// peer lacks, and merging a batch. The sync layer knows the store only through this protocol.
package protocol ChangeFeed: Sendable {
    /// The site the store belongs to.
    var siteID: SiteID { get }
    /// The greatest sequence number held per origin.
    func versionVector() async throws -> VersionVector
    /// Up to `limit` changes that a holder of `vector` lacks, each origin's in sequence order.
    func changes(missingFrom vector: VersionVector, limit: Int) async throws -> ChangeBatch
    /// Verifies the batch against the groups its origins signed (``ChainRefusal`` refuses it whole),
    /// then merges every change it can accept in one transaction and holds each origin of `through`
    /// up to its number. An origin whose next change cannot be accepted now (beyond the drift bound,
    /// or malformed) is held at that change (``ApplyOutcome/held``) while the others apply; throws
    /// ``ChangeRejected`` only when the batch as a whole is at fault.
    func apply(_ batch: ChangeBatch) async throws -> ApplyOutcome
    /// What this site knows of the fleet: its own report, fresh, first; then the latest of every other site.
    func fleet() async throws -> [FleetReport]
    /// Keeps the reports that are newer than what this site knew; `sender`'s own report from a
    /// second database under its site id is not kept but recorded as an ``IdentityConflict``, which
    /// is returned when the sender is that second database (it is refused).
    @discardableResult
    func learn(_ reports: [FleetReport], from sender: SiteID) async throws -> IdentityConflict?
}

/// Changes a peer lacks, how far they bring it, and the proof that their origins wrote them.
package struct ChangeBatch: Sendable, Equatable {
    /// Each origin's changes in sequence order.
    package var changes: [Change]
    /// For each origin whose missing changes are all in the batch: the sender's number for it. The
    /// sender may hold no entry for some numbers below it (compacted: superseded everywhere), so
    /// the receiver holds the origin up to it once the batch is applied.
    package var through: VersionVector
    /// For each origin of `changes` or `through`: the groups its origin signed them in.
    package var proofs: [SiteID: OriginProof]
    /// Whether the batch holds everything the sender could send (no origin was cut short).
    package var isComplete: Bool

    /// A batch of changes.
    package init(changes: [Change], through: VersionVector, proofs: [SiteID: OriginProof] = [:], isComplete: Bool = true) {
        self.changes = changes
        self.through = through
        self.proofs = proofs
        self.isComplete = isComplete
    }

    /// About the first `count` changes: the origin cut there keeps its changes up to the end of a
    /// group (back to the last group that ends before the cut, or, when that would leave the batch
    /// empty, on to the end of the group cut), so that its receiver needs no leaf the proof lacks.
    /// `through` stays only for origins none of whose changes were left out.
    package func prefix(_ count: Int) -> ChangeBatch {
        guard count < changes.count else { return self }
        let cutChange = changes[count]
        var end = count
        if let group = proofs[cutChange.origin]?.groups.first(where: { $0.header.contains(cutChange.sequence) })?.header {
            var start = count
            while start > 0, changes[start - 1].origin == cutChange.origin, changes[start - 1].sequence >= group.first { start -= 1 }
            end = start
            if end == 0 {
                while end < changes.count, changes[end].origin == cutChange.origin, changes[end].sequence <= group.last { end += 1 }
            }
        }
        guard end < changes.count else { return self }
        let kept = Array(changes[..<end])
        let cut = Set(changes[end...].map(\.origin))
        var proofs: [SiteID: OriginProof] = [:]
        for (origin, proof) in self.proofs {
            guard let last = kept.last(where: { $0.origin == origin })?.sequence else {
                if !cut.contains(origin), through[origin] != VersionVector.nothing { proofs[origin] = proof }
                continue
            }
            var trimmed = proof
            if cut.contains(origin) { trimmed.groups.removeAll { !$0.header.isGenesis && $0.header.first > last } }
            proofs[origin] = trimmed
        }
        return ChangeBatch(
            changes: kept, through: VersionVector(through.sequences.filter { !cut.contains($0.key) }), proofs: proofs, isComplete: false)
    }
}

/// The store cannot answer now (another program holds its write lock); nothing was changed, and
/// the same request may succeed later.
package struct FeedBusy: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is busy, for a person.
    package let reason: String

    package init(reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}

/// A batch refused because of what it contains (a change breaking a domain rule), as opposed to a
/// failure of the receiving site; a timestamp beyond the drift bound holds its origin instead
/// (``HeldOrigin``). Nothing of the batch was applied.
package struct ChangeRejected: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why, naming the first offending change; never patient data.
    package let reason: String

    /// Describes a refused batch.
    package init(reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}

/// What applying a batch of remote changes did.
package struct ApplyOutcome: Equatable, Sendable {
    /// Changes new to this site.
    package var applied: Int
    /// Changes the site already held (ignored).
    package var duplicates: Int
    /// Conflict-journal entries those changes produced or updated.
    package var conflicts: Int
    /// Origins whose changes were held back from their first unacceptable one (the rest of the
    /// batch applied).
    package var held: [HeldOrigin]

    /// Counts of one apply.
    package init(applied: Int = 0, duplicates: Int = 0, conflicts: Int = 0, held: [HeldOrigin] = []) {
        self.applied = applied
        self.duplicates = duplicates
        self.conflicts = conflicts
        self.held = held
    }
}
