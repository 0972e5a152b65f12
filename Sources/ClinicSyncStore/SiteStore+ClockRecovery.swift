import ClinicSyncCore
import GRDB

/// What ``SiteStore/recoverFromFastClock()`` did.
public struct ClockRecovery: Sendable, Equatable {
    /// How far the site's clock was ahead of its wall clock before.
    public let leadBefore: Milliseconds
    /// How many of its own changes got new timestamps (from the first re-stamped number on).
    public let restamped: Int
    public let firstRestamped: Int64?
    /// Changes stamped ahead that another site already holds: they keep their timestamps.
    public let keptAhead: Int
    /// The sites known to hold some of those.
    public let heldElsewhereBy: [SiteID]
    /// How far the clock is ahead of the wall clock now (zero once recovered).
    public let leadAfter: Milliseconds
}

extension SiteStore {
    /// How far this site's clock (its last timestamp, issued or witnessed) runs ahead of its wall
    /// clock: more than the drift bound after the wall clock ran fast and was corrected, when every
    /// new change would still be stamped ahead and held at every peer.
    public func clockLead() throws(StoreError) -> Milliseconds {
        let now = wallClock.nowMilliseconds()
        let clock = try self.clock().milliseconds
        return Milliseconds(clock > now ? clock - now : 0)
    }

    /// After the wall clock ran fast and was corrected: gives this site's own changes stamped ahead
    /// of the wall clock new timestamps from now on, in the same order, so that peers accept them at
    /// once instead of holding them until real time catches up, and brings the clock back.
    ///
    /// Only changes no other site is known to hold are re-stamped (a site that accepted one keeps it
    /// as it is; those, and the clock, stay ahead). Every outcome of merging is unchanged: the new
    /// stamps keep the changes' order among themselves and above every change received, which is
    /// checked (a received change stamped between two of them refuses the recovery). Run it with the
    /// daemon stopped, after every peer has synced since the clock was corrected.
    public func recoverFromFastClock() throws(StoreError) -> ClockRecovery {
        let leadBefore = try clockLead()
        return try write { transaction in
            let db = transaction.db
            let own = siteID.rawValue
            let nowStamp = HybridTimestamp(milliseconds: min(transaction.now, HybridTimestamp.maxMilliseconds), counter: 0).rawValue
            let ahead = try Row.fetchOne(db, sql: "SELECT MIN(seq) AS first, COUNT(*) AS count FROM change_log WHERE origin = ? AND hlc > ?",
                                         arguments: [own, nowStamp])
            guard let first: Int64 = ahead?["first"] else {
                return ClockRecovery(leadBefore: leadBefore, restamped: 0, firstRestamped: nil, keptAhead: 0, heldElsewhereBy: [],
                                     leadAfter: leadBefore)
            }
            // What other sites are known to hold of this site's changes.
            var heldBy: [SiteID: Int64] = [:]
            for report in try Self.fleetView(db).reports.values where report.site != siteID && report.vector[siteID] >= first {
                heldBy[report.site] = report.vector[siteID]
            }
            let start = max(first, (heldBy.values.max() ?? 0) + 1)
            let keptAhead = Int(start - first)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE origin = ? AND seq >= ?", arguments: [own, start]) ?? 0
            if count > 0 {
                let oldFirst = try Int64.fetchOne(db, sql: "SELECT hlc FROM change_log WHERE origin = ? AND seq = ?", arguments: [own, start])
                    ?? nowStamp
                // Everything else the log holds stays below the new stamps; a received change stamped
                // after the first re-stamped one would change places with it, so none may be.
                let others = try Int64.fetchOne(db, sql: "SELECT MAX(hlc) FROM change_log WHERE NOT (origin = ? AND seq >= ?)",
                                                arguments: [own, start]) ?? 0
                let received = try Int64.fetchOne(db, sql: "SELECT MAX(hlc) FROM change_log WHERE origin != ?", arguments: [own]) ?? 0
                guard received < oldFirst else { throw StoreError.clockRecoveryInterleaved(site: siteID) }
                let base = max(nowStamp, others)
                try db.execute(sql: "UPDATE change_log SET hlc = ? + (seq - ?) + 1 WHERE origin = ? AND seq >= ?",
                               arguments: [base, start, own, start])
                try db.execute(sql: "UPDATE conflicts SET loser_hlc = ? + (loser_seq - ?) + 1 WHERE loser_origin = ? AND loser_seq >= ?",
                               arguments: [base, start, own, start])
                try db.execute(sql: "UPDATE conflicts SET winner_hlc = ? + (winner_seq - ?) + 1 WHERE winner_origin = ? AND winner_seq >= ?",
                               arguments: [base, start, own, start])
            }
            // The clock comes back to the greatest timestamp the log still holds (never below it).
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(hlc) FROM change_log") ?? 0
            try db.execute(sql: "UPDATE sync_clock SET last_hlc = ?", arguments: [newest])
            transaction.clock = HybridLogicalClock(lastIssued: HybridTimestamp(rawValue: newest) ?? .zero, maximumDrift: maximumDrift)
            let after = (HybridTimestamp(rawValue: newest)?.milliseconds ?? 0)
            return ClockRecovery(
                leadBefore: leadBefore, restamped: count, firstRestamped: count > 0 ? start : nil, keptAhead: keptAhead,
                heldElsewhereBy: heldBy.keys.sorted(), leadAfter: Milliseconds(after > transaction.now ? after - transaction.now : 0))
        }
    }
}
