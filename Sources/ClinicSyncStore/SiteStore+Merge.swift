import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Merges changes received from other sites, all or nothing, in one transaction, then holds
    /// each origin of `through` up to its number (the sender had nothing more of it to send).
    ///
    /// Every change is validated and checked against the clock's drift bound before anything is
    /// written; a single bad change refuses the whole batch. Each origin's changes must come in
    /// sequence order. Applying the same changes again, or in another order, leaves the same database.
    @discardableResult
    public func apply(_ changes: [Change], through: VersionVector = VersionVector()) throws(StoreError) -> ApplyOutcome {
        for (index, change) in changes.enumerated() {
            do { try change.validate() } catch {
                throw .invalidChange(index: index, reason: error.description)
            }
        }
        try catchUpRowIndex()
        return try write { transaction in
            for change in changes {
                try transaction.clock.witness(change.timestamp, from: change.origin, wallClock: transaction.now)
            }
            let db = transaction.db
            try RowIndex.catchUp(db)
            try db.execute(sql: "UPDATE sync_clock SET capturing = 0")
            var applier = try MergeApplier(db: db)
            var outcome = ApplyOutcome()
            var received = VersionVector()
            for change in changes {
                switch try applier.apply(change) {
                case .duplicate:
                    outcome.duplicates += 1
                case let .applied(conflicts):
                    outcome.applied += 1
                    outcome.conflicts += conflicts
                    received.advance(change.origin, to: change.sequence)
                }
            }
            let held = try VersionVectorTable.load(db)
            for (origin, sequence) in through.sequences where sequence > held[origin] {
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
            try db.execute(sql: "UPDATE sync_clock SET capturing = 1")
            return outcome
        }
    }
}

extension SiteStore {
    /// Indexes this site's captured entries in transactions of at most 5,000, so that the
    /// transaction that then needs the index is short even after a large import by another program.
    public func catchUpRowIndex() throws(StoreError) {
        var more = true
        while more {
            more = try StoreError.mapping(path: path) { try pool.write { db in try RowIndex.catchUp(db, limit: 5_000) } }
        }
    }
}
