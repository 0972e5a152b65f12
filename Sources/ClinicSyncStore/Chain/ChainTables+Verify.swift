import ClinicSyncCore
import GRDB

extension ChainTables {
    /// Verifies each origin of a batch against what the site holds of its chain and keeps the new
    /// keys; throws the first origin's refusal (the caller's transaction then rolls back).
    ///
    /// An origin held in an earlier batch (`barriers`) whose groups do not follow the chain held is
    /// not refused but returned as unverifiable: its sender moved on past the held change (a
    /// pipelined pull, or a push it counted as delivered), and the group holding that change is kept
    /// only once it applies; none of the origin's changes may apply from this batch.
    /// - Returns: the groups verified, to keep with ``keep(_:_:holding:)`` once the batch is applied,
    ///   and the unverifiable origins.
    static func verify(
        _ db: Database, changes: [Change], through: VersionVector, proofs: [SiteID: OriginProof], verifier: ChainVerifier,
        holding: VersionVector, barriers: Set<SiteID>
    ) throws -> (groups: [OriginChainState.StoredGroup], unverifiable: Set<SiteID>) {
        var verifiedGroups: [OriginChainState.StoredGroup] = []
        var unverifiable: Set<SiteID> = []
        // A batch lists each origin's changes together: one dictionary update per origin, not per change.
        var byOrigin: [SiteID: [Change]] = [:]
        var start = changes.startIndex
        while start < changes.endIndex {
            var end = start + 1
            while end < changes.endIndex, changes[end].origin == changes[start].origin { end += 1 }
            byOrigin[changes[start].origin, default: []] += changes[start..<end]
            start = end
        }
        let moved = through.sequences.filter { $0.value > holding[$0.key] }.keys
        for origin in Set(byOrigin.keys).union(moved).union(proofs.keys).sorted() {
            let carried = byOrigin[origin] ?? []
            let proof = proofs[origin]
            // A proof alone (no change, no number moved) of a site this one does not know asks nothing of it.
            if carried.isEmpty, !moved.contains(origin), verifier.fleet.keys[origin] == nil { continue }
            // Only headers that can be groups (at most 256 numbers) name ranges to look up: the
            // verifier refuses the others, and a claimed range must not make this site read its chain.
            let ranges =
                carried.map { $0.sequence...$0.sequence }
                + (proof?.groups.filter { $0.header.shapeProblem == nil }.map { $0.header.first...max($0.header.first, $0.header.last) } ?? [])
            let state = try Self.state(db, origin, groups: try groups(db, origin, covering: ranges), held: holding[origin])
            let verified: VerifiedChain
            do {
                verified = try verifier.verify(origin: origin, changes: carried, through: through.sequences[origin], proof: proof, state: state)
            } catch {
                if error.code == .chainGap, barriers.contains(origin) {
                    unverifiable.insert(origin)
                    continue
                }
                throw StoreError.chainRefused(error)
            }
            verifiedGroups += verified.groups
            for key in verified.publicKeys { try insertKey(db, origin, key) }
        }
        return (verifiedGroups, unverifiable)
    }

    /// The held groups of `origin` (genesis excepted) that overlap any of `ranges`, in order: one
    /// lookup per group found, however far apart the ranges lie.
    static func groups(_ db: Database, _ origin: SiteID, covering ranges: [ClosedRange<Int64>]) throws -> [OriginChainState.StoredGroup] {
        var found: [OriginChainState.StoredGroup] = []
        // The last lookup: the first group ending at or after `from` (nil: none). It answers every
        // later cursor up to that group's end, so a batch of changes the site holds no group for
        // (new ones) costs one lookup, not one per change.
        var lookup: (from: Int64, group: OriginChainState.StoredGroup?)?
        func firstGroup(endingAtOrAfter cursor: Int64) throws -> OriginChainState.StoredGroup? {
            if let lookup, cursor >= lookup.from, lookup.group.map({ cursor <= $0.header.last }) ?? true { return lookup.group }
            let group = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT \(columns) FROM chain_groups WHERE origin = ? AND last >= ? AND last >= first ORDER BY last LIMIT 1
                        """), arguments: [origin.rawValue, cursor]
            ).map(Self.group)
            lookup = (cursor, group)
            return group
        }
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = found.last, last.header.last >= range.upperBound { continue }
            // Each group overlapping the range, read one at a time from the index (past those found).
            var cursor = max(range.lowerBound, found.last.map { $0.header.last + 1 } ?? range.lowerBound)
            while cursor <= range.upperBound, let group = try firstGroup(endingAtOrAfter: cursor), group.header.first <= range.upperBound {
                found.append(group)
                guard group.header.last < Int64.max else { break }
                cursor = group.header.last + 1
            }
        }
        return found
    }

    /// Keeps the verified groups whose changes the site now holds all of (its number for the
    /// origin reached their end), and every genesis. A group with a change held back, or cut off
    /// by the batch's end, comes again with the rest; keeping only whole groups means a site that
    /// re-seals changes no peer holds (after `clock recover`) never contradicts a group kept elsewhere.
    static func keep(_ groups: [OriginChainState.StoredGroup], _ db: Database, holding: VersionVector) throws {
        for group in groups where group.header.isGenesis || group.header.last <= holding[group.header.origin] {
            try insert(db, group)
        }
    }
}
