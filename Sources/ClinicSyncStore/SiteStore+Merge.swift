package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Merges changes received from other sites in one transaction, then holds each origin of
    /// `through` up to its number (the sender had nothing more of it to send).
    ///
    /// With a `verifier`, every origin's changes and `through` are first checked against the groups
    /// its origin signed (`proofs`, and those held here): one that fails refuses the whole batch
    /// (``StoreError/chainRefused(_:)``) and nothing is applied; the groups and keys verified are kept.
    ///
    /// Each origin's changes must come in sequence order. An origin whose next change cannot be
    /// accepted now (timestamped beyond the clock's drift bound, or invalid) is held at that
    /// change: it and the origin's later changes in the batch are left out, its number does not
    /// move, and ``ApplyOutcome/held`` (and ``heldOrigins()``) says why, while every other origin's
    /// changes apply. Applying the same changes again, or in another order, leaves the same database.
    @discardableResult
    package func apply(
        _ changes: [Change], through: VersionVector = VersionVector(), proofs: [SiteID: OriginProof] = [:],
        verifier: ChainVerifier? = nil, configuredPeers: [SiteID] = []
    ) throws(StoreError) -> ApplyOutcome {
        try catchUpRowIndex()
        return try write { transaction in
            let db = transaction.db
            // The fleet's smallest drift bound, so that every site holds the same changes.
            let bound = try Self.fleetView(db).agreedDrift(own: maximumDrift, site: siteID, configuredPeers: configuredPeers)
            transaction.clock = HybridLogicalClock(lastIssued: transaction.clock.lastIssued, maximumDrift: bound)
            let holding = try VersionVectorTable.load(db)
            // What the site tells peers it holds: a change at or below it is never applied again,
            // whatever arrives (a replay of a compacted change, or a forgery under a number whose
            // group is kept by its root alone). A restored site still takes its own changes back.
            let known = try VersionVectorTable.load(db, asking: true)
            // Its own number moves by a sender's `through`, verified from what it has got back, while
            // it recovers: a peer that compacted a lost change away carries that number in nothing
            // else, and a peer that only calls in is waited for until this site holds all it holds.
            // (Numbers below the chain's start, given by a version before chains, are taken on trust
            // as for every origin; unverified, its own `through` is not taken at all.)
            let recovering = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM recovery_peers)") ?? false
            var floors = holding.sequences
            if recovering && verifier != nil { floors[siteID] = known[siteID] }
            let verifiedFrom = VersionVector(floors)
            // An origin held in an earlier batch stays held at that change: its later changes (a
            // sender moves on past held ones) must not apply, or this site would hold the origin
            // past a gap it never fills.
            let barriers = Dictionary(
                uniqueKeysWithValues: try HeldOriginsTable.load(db)
                    .filter { $0.held.sequence > verifiedFrom[$0.held.origin] }.map { ($0.held.origin, $0.held) })
            let (verifiedGroups, unverifiable) =
                try verifier.map { verifier in
                    try ChainTables.verify(
                        db, changes: changes, through: through, proofs: proofs, verifier: verifier, holding: verifiedFrom,
                        barriers: Set(barriers.keys))
                } ?? ([], [])
            // A site seen reporting from two databases: none of its changes apply until an operator
            // has dealt with it (each database numbers its changes from the same point).
            let conflicts = Dictionary(uniqueKeysWithValues: try KnownIncarnations.conflicts(db).map { ($0.site, $0) })
            var passed: Set<SiteID> = []
            var held: [SiteID: HeldOrigin] = [:]
            var accepted: [Change] = []
            accepted.reserveCapacity(changes.count)
            var replayed = 0
            for change in changes where held[change.origin] == nil {
                if change.sequence <= known[change.origin] {
                    replayed += 1
                } else if unverifiable.contains(change.origin), let barrier = barriers[change.origin] {
                    held[change.origin] = barrier
                } else if let conflict = conflicts[change.origin], change.sequence > holding[change.origin] {
                    held[change.origin] = HeldOrigin(origin: change.origin, sequence: change.sequence, reason: .invalid(conflict.description))
                } else if let barrier = barriers[change.origin], !passed.contains(change.origin), change.sequence > barrier.sequence {
                    held[change.origin] = barrier
                } else if let reason = Self.holdReason(change, held: holding, transaction: &transaction) {
                    held[change.origin] = HeldOrigin(origin: change.origin, sequence: change.sequence, reason: reason)
                } else {
                    accepted.append(change)
                    if barriers[change.origin]?.sequence == change.sequence { passed.insert(change.origin) }
                }
            }
            try RowIndex.catchUp(db)
            try db.execute(sql: "UPDATE sync_clock SET capturing = 0")
            var applier = try MergeApplier(db: db)
            var outcome = ApplyOutcome(duplicates: replayed, held: held.values.sorted { $0.origin < $1.origin })
            var received = VersionVector()
            for change in accepted {
                switch try applier.apply(change) {
                case .duplicate:
                    outcome.duplicates += 1
                case let .applied(conflicts):
                    outcome.applied += 1
                    outcome.conflicts += conflicts
                    received.advance(change.origin, to: change.sequence)
                }
            }
            for (origin, sequence) in through.sequences
            where sequence > verifiedFrom[origin] && held[origin] == nil && conflicts[origin] == nil && !unverifiable.contains(origin)
                && (barriers[origin] == nil || passed.contains(origin))
            {
                received.advance(origin, to: sequence)
            }
            for (origin, sequence) in received.sequences {
                try VersionVectorTable.advance(db, origin, to: sequence)
                if origin == siteID {
                    // This site's own changes coming back (after a restore): never number one again.
                    try db.execute(sql: "UPDATE sync_clock SET last_seq = MAX(last_seq, ?)", arguments: [sequence])
                }
            }
            if !received.sequences.isEmpty { try VersionVectorTable.refreshKnowledge(db, site: siteID) }
            if !verifiedGroups.isEmpty { try ChainTables.keep(verifiedGroups, db, holding: try VersionVectorTable.load(db)) }
            try HeldOriginsTable.record(db, outcome.held, now: transaction.now)
            try HeldOriginsTable.release(db)
            try db.execute(sql: "UPDATE sync_clock SET capturing = 1")
            return outcome
        }
    }

    /// Why `change` cannot be accepted now, if it cannot; otherwise the clock has witnessed it.
    /// A change this site holds already is never held (it is a duplicate, whatever its timestamp).
    private static func holdReason(_ change: Change, held holding: VersionVector, transaction: inout WriteTransaction) -> HeldOrigin.Reason? {
        do { try change.validate() } catch { return .invalid(error.description) }
        guard change.sequence > holding[change.origin] else {
            // This site's own change coming back after a restore (signed by its own key): its
            // timestamp must never be issued again, so the clock moves past it.
            if change.origin == transaction.site { transaction.clock.observe(change.timestamp) }
            return nil
        }
        do {
            try transaction.clock.witness(change.timestamp, from: change.origin, wallClock: transaction.now)
        } catch {
            switch error {
            case let .timestampTooFarAhead(_, aheadBy, bound): return .ahead(aheadBy: aheadBy, bound: bound)
            }
        }
        return nil
    }
}

extension SiteStore {
    /// Indexes this site's captured entries in transactions of at most 5,000, so that the
    /// transaction that then needs the index is short even after a large import by another program.
    package func catchUpRowIndex() throws(StoreError) {
        var more = true
        while more {
            more = try StoreError.mapping(path: path) { try timedWrite { db in try RowIndex.catchUp(db, limit: 5_000) } }
        }
    }
}
