import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Merges changes received from other sites, all or nothing, in one transaction.
    ///
    /// Every change is validated and checked against the clock's drift bound before anything is
    /// written; a single bad change refuses the whole batch. Applying the same changes again, or in
    /// another order, leaves the same database.
    @discardableResult
    public func apply(_ changes: [Change]) throws(StoreError) -> ApplyOutcome {
        for (index, change) in changes.enumerated() {
            do { try change.validate() } catch {
                throw .invalidChange(index: index, reason: error.description)
            }
        }
        return try write { transaction in
            for change in changes {
                try transaction.clock.witness(change.stamp.timestamp, from: change.stamp.origin, wallClock: transaction.now)
            }
            let db = transaction.db
            try db.execute(sql: "UPDATE capture_control SET suspended = 1")
            let applier = MergeApplier(db: db)
            var outcome = ApplyOutcome()
            var received = VersionVector()
            for change in changes {
                switch try applier.apply(change) {
                case .duplicate:
                    outcome.duplicates += 1
                case let .applied(conflicts):
                    outcome.applied += 1
                    outcome.conflicts += conflicts
                    received.advance(to: change.stamp)
                }
            }
            for (origin, timestamp) in received.watermarks {
                try VersionVectorTable.advance(db, to: WriteStamp(timestamp, origin))
            }
            try db.execute(sql: "UPDATE capture_control SET suspended = 0")
            return outcome
        }
    }
}
