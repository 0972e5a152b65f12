package import ClinicSyncCore
import GRDB

/// What one compaction did.
package struct CompactionOutcome: Sendable, Equatable {
    /// Change-log entries removed.
    package var removed = 0
    /// Why nothing (more) could be removed, when the fleet's state held compaction back.
    package var blocked: String?
    /// The longest of its write transactions: how long a writer could have waited behind it.
    package var longestTransactionSeconds: Double = 0

    /// The outcome of a compaction.
    package init(removed: Int = 0, blocked: String? = nil) {
        self.removed = removed
        self.blocked = blocked
    }
}

extension SiteStore {
    /// Deletes change-log entries that no site can need any more.
    ///
    /// An entry goes only when all of this holds:
    /// - it writes fields (deletes stay: they make deletes final at sites that join later);
    /// - none of the values it wrote is held now: each was replaced by a later write (the newest
    ///   version of every field stays, so a new or long-offline site still receives the whole
    ///   current state; a deleted row keeps its last values too, for ``removedRows()``);
    /// - it is not part of a conflict-journal entry (so the journal can still be rebuilt elsewhere);
    /// - it is below the fleet's compaction frontier (``FleetView/compactionFrontier(site:configuredPeers:holding:)``):
    ///   every site of the fleet, learned through the reports sites pass on, holds it, and every
    ///   change concurrent with it is held here.
    ///
    /// Each pass marks the removable entries of a share of the rows on a read snapshot
    /// (``CompactionMark``, at most about `partitionEntries` entries in memory), then deletes them
    /// from the log in its key order and from the row index in row order, `sweepBatch` entries and
    /// at most ``sweepTimeBudget`` per write transaction; every transaction re-reads the frontier,
    /// so news from the fleet (a peer added by a reload) takes effect at once.
    package func compact(
        configuredPeers: [SiteID], partitionEntries: Int = 1_000_000, sweepBatch: Int = 20_000
    ) throws(StoreError) -> CompactionOutcome {
        var outcome = CompactionOutcome()
        try removeDanglingIndexEntries(&outcome)
        let logged = try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0 }
        let partitions = max(1, (logged + partitionEntries - 1) / max(1, partitionEntries))
        for partition in 0..<partitions {
            let mark = try read { db throws -> Result<CompactionMark, Blocked> in
                switch try compactionFrontier(db, configuredPeers: configuredPeers) {
                case let .blocked(reason): return .failure(Blocked(reason: reason))
                case let .ready(frontier):
                    return .success(try CompactionMark.mark(db, frontier: frontier, partition: partition, of: partitions))
                }
            }
            switch mark {
            case let .failure(blocked):
                outcome.blocked = blocked.reason
                return outcome
            case let .success(mark):
                let removed = try sweepLog(mark, configuredPeers: configuredPeers, batch: sweepBatch, into: &outcome)
                try sweepRowIndex(removed, of: mark, batch: sweepBatch, into: &outcome)
                if outcome.blocked != nil { return outcome }
            }
        }
        if outcome.removed > 0 { try pruneChainLeaves(into: &outcome) }
        return outcome
    }

    /// Drops the leaves of groups none of whose changes is left in the log: their root stands for
    /// them (a receiver needs no leaf of a group the batch carries nothing of). 500 groups, about
    /// 8 KiB each, per write transaction.
    private func pruneChainLeaves(into outcome: inout CompactionOutcome) throws(StoreError) {
        var cursor: (String, Int64) = ("", Int64.min)
        var more = true
        while more {
            try measuredWrite(&outcome.longestTransactionSeconds) { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT origin, last FROM chain_groups WHERE (origin, last) > (?, ?) ORDER BY origin, last LIMIT 500
                        """, arguments: [cursor.0, cursor.1])
                guard let last = rows.last else {
                    more = false
                    return
                }
                try db.execute(
                    sql: """
                        UPDATE chain_groups SET leaves = NULL
                        WHERE (origin, last) > (?, ?) AND (origin, last) <= (?, ?) AND leaves IS NOT NULL AND last >= first
                          AND NOT EXISTS (SELECT 1 FROM change_log AS c
                                          WHERE c.origin = chain_groups.origin AND c.seq BETWEEN chain_groups.first AND chain_groups.last)
                        """, arguments: [cursor.0, cursor.1, last["origin"], last["last"]])
                cursor = (last["origin"], last["last"])
            }
        }
    }

    private struct Blocked: Error { let reason: String }

    /// Most of a sweep transaction, so that a writer waiting behind it waits well under 100 ms.
    static let sweepTimeBudget = Duration.milliseconds(40)

    private func compactionFrontier(_ db: Database, configuredPeers: [SiteID]) throws -> FleetView.Frontier {
        try Self.fleetView(db).compactionFrontier(site: siteID, configuredPeers: configuredPeers, holding: VersionVectorTable.load(db))
    }

    /// Deletes the marked entries from the log in its key order, each still below the frontier as
    /// it is then; returns the indices (into the mark's entries) of those deleted.
    private func sweepLog(
        _ mark: CompactionMark, configuredPeers: [SiteID], batch: Int, into outcome: inout CompactionOutcome
    ) throws(StoreError) -> [Int] {
        var deleted: [Int] = []
        var next = mark.removable.startIndex
        let origins = mark.origins.map { try? SiteID($0) }
        while next < mark.removable.endIndex, outcome.blocked == nil {
            outcome.blocked = try measuredWrite(&outcome.longestTransactionSeconds) { db throws -> String? in
                let frontier: VersionVector
                switch try compactionFrontier(db, configuredPeers: configuredPeers) {
                case let .blocked(reason): return reason
                case let .ready(vector): frontier = vector
                }
                let started = ContinuousClock.now
                let statement = try db.cachedStatement(sql: "DELETE FROM change_log WHERE origin = ? AND seq = ?")
                let end = min(next + batch, mark.removable.endIndex)
                var newest = Int64.min
                while next < end {
                    let index = mark.removable[next]
                    next += 1
                    let entry = mark.entries[index]
                    guard let origin = origins[Int(entry.origin)], entry.sequence <= frontier[origin] else { continue }
                    try statement.execute(arguments: [mark.origins[Int(entry.origin)], entry.sequence])
                    deleted.append(index)
                    newest = max(newest, entry.stamp)
                    if deleted.count % 64 == 0, ContinuousClock.now - started > Self.sweepTimeBudget { break }
                }
                if newest > .min {
                    try db.execute(sql: "UPDATE sync_clock SET compacted_hlc = MAX(compacted_hlc, ?)", arguments: [newest])
                }
                return nil
            }
        }
        outcome.removed += deleted.count
        return deleted
    }

    /// Deletes the row-index entries of entries removed from the log, in the index's key order.
    private func sweepRowIndex(_ removed: [Int], of mark: CompactionMark, batch: Int, into outcome: inout CompactionOutcome) throws(StoreError) {
        let ordered = removed.sorted { lhs, rhs in
            let left = mark.entries[lhs]
            let right = mark.entries[rhs]
            return (left.row, left.origin, left.sequence) < (right.row, right.origin, right.sequence)
        }
        var next = ordered.startIndex
        while next < ordered.endIndex {
            try measuredWrite(&outcome.longestTransactionSeconds) { db in
                let started = ContinuousClock.now
                let statement = try db.cachedStatement(sql: "DELETE FROM row_entries WHERE tbl = ? AND row_id = ? AND origin = ? AND seq = ?")
                let end = min(next + batch, ordered.endIndex)
                while next < end {
                    let entry = mark.entries[ordered[next]]
                    next += 1
                    try statement.execute(arguments: [Int(entry.row.table), entry.row.id, mark.origins[Int(entry.origin)], entry.sequence])
                    if next % 64 == 0, ContinuousClock.now - started > Self.sweepTimeBudget { break }
                }
            }
        }
    }

    /// Removes row-index entries whose log entry is gone: what a compaction stopped between its log
    /// and row-index sweeps (the process was killed) leaves behind. Reads ignore them (they join on
    /// the log), so they are only found when the index holds more entries than it should.
    private func removeDanglingIndexEntries(_ outcome: inout CompactionOutcome) throws(StoreError) {
        let excess = try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM row_entries) - (SELECT COUNT(*) FROM change_log) + (
                        SELECT COUNT(*) FROM change_log
                        WHERE origin = (SELECT site_id FROM sync_clock) AND seq > (SELECT indexed_seq FROM sync_clock))
                    """) ?? 0
        }
        guard excess > 0 else { return }
        var cursor: (Int, String) = (Int.min, "")
        var more = true
        while more {
            try measuredWrite(&outcome.longestTransactionSeconds) { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT tbl, row_id FROM row_entries WHERE (tbl, row_id) > (?, ?) ORDER BY tbl, row_id LIMIT 2000
                        """, arguments: [cursor.0, cursor.1])
                guard let last = rows.last else {
                    more = false
                    return
                }
                try db.execute(
                    sql: """
                        DELETE FROM row_entries
                        WHERE (tbl, row_id) > (?, ?) AND (tbl, row_id) <= (?, ?)
                          AND NOT EXISTS (SELECT 1 FROM change_log AS c WHERE c.origin = row_entries.origin AND c.seq = row_entries.seq)
                        """, arguments: [cursor.0, cursor.1, last["tbl"], last["row_id"]])
                cursor = (last["tbl"], last["row_id"])
            }
        }
    }

    /// A write transaction whose length raises `longest` (seconds) if it is longer.
    private func measuredWrite<T>(_ longest: inout Double, _ body: (Database) throws -> T) throws(StoreError) -> T {
        let started = ContinuousClock.now
        let result = try StoreError.mapping(path: path) { try timedWrite("compact", body) }
        let elapsed = ContinuousClock.now - started
        longest = max(longest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return result
    }
}
