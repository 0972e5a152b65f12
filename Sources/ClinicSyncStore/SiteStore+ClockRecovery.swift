package import ClinicSyncCore
import GRDB

/// What ``SiteStore/recoverFromFastClock()`` did.
package struct ClockRecovery: Sendable, Equatable {
    /// How far the site's newest own change was ahead of its wall clock before.
    package let leadBefore: Milliseconds
    /// How many of its own changes got new timestamps (from the first re-stamped number on).
    package let restamped: Int
    package let firstRestamped: Int64?
    /// How far its newest own change is ahead of its wall clock now (within twice the largest drift
    /// bound; beyond one bound, writes stay refused until real time catches up).
    package let leadAfter: Milliseconds
}

/// Why a site may not write now: a change made now would be held at every peer.
package enum ClockProblem: Sendable, Equatable {
    /// The site's newest own change is stamped this far ahead of its wall clock (the wall clock ran
    /// fast and was corrected; its clock never goes back).
    case ownChangesAhead(Milliseconds)
    /// The wall clock is this far ahead of every peer heard from in the last 15 minutes (it runs fast now).
    case wallClockAhead(of: [SiteID], by: Milliseconds)
}

extension SiteStore {
    /// How far this site's newest own change is stamped ahead of its wall clock (0 if not ahead).
    package func ownLead() throws(StoreError) -> Milliseconds {
        try read { db in try ownLead(db, now: wallClock.nowMilliseconds()) }
    }

    func ownLead(_ db: Database, now: UInt64) throws -> Milliseconds {
        // The clock is at or past every change the site stamped: when it is not ahead, nothing is,
        // and the log (a million entries take a scan of a tenth of a second) is not read.
        if try WriteTransaction.loadClock(db).milliseconds <= now { return Milliseconds(0) }
        let newest =
            try Int64.fetchOne(db, sql: "SELECT MAX(hlc) FROM change_log WHERE origin = ?", arguments: [siteID.rawValue])
            .flatMap(HybridTimestamp.init(rawValue:))?.milliseconds ?? 0
        return Milliseconds(newest > now ? newest - now : 0)
    }

    /// What stops a write now, if anything: this site's own changes stamped beyond the fleet's
    /// drift bound (``ClockProblem/ownChangesAhead(_:)``), or a wall clock beyond the bound ahead of
    /// every configured peer heard from lately. A site with no peers has none.
    package func clockProblem(configuredPeers: [SiteID]) throws(StoreError) -> ClockProblem? {
        guard !configuredPeers.isEmpty else { return nil }
        let now = wallClock.nowMilliseconds()
        return try read { db in
            let bound = try Self.fleetView(db).agreedDrift(own: maximumDrift, site: siteID, configuredPeers: configuredPeers)
            let lead = try ownLead(db, now: now)
            if lead > bound { return .ownChangesAhead(lead) }
            let readings = try PeerClockReadings.fresh(db, peers: configuredPeers, now: now)
            guard !readings.isEmpty, let least = readings.values.min(), least > bound.value else { return nil }
            return .wallClockAhead(of: readings.keys.sorted(), by: Milliseconds(UInt64(least)))
        }
    }

    /// After the wall clock ran fast and was corrected: gives this site's own changes stamped
    /// beyond what any site of the fleet can have accepted (further ahead of the wall clock than
    /// twice the largest drift bound configured or reported) new timestamps from now on, in the
    /// same order and above every other change the log holds or compaction removed, and brings the
    /// clock back with them.
    ///
    /// A peer accepts a change stamped up to a bound ahead of *its* clock, which may itself run
    /// ahead of this site's corrected one; while correct clocks agree within a bound, no site
    /// applying the fleet's rules holds those changes, so none holds two versions of one (reports
    /// can be stale: a peer may have accepted a change after its last report). Changes within
    /// twice the bound keep their stamps: peers accept them at once or, if their clocks are
    /// behind, once real time catches up (minutes at most). Refused while the site recovers from a
    /// restore (its lost changes, stamped by the old clock, are still on their way back). Run it
    /// with the daemon stopped.
    package func recoverFromFastClock() throws(StoreError) -> ClockRecovery {
        guard try recoveringFrom().isEmpty else { throw .clockRecoveryDuringRestore }
        let leadBefore = try ownLead()
        return try write { transaction in
            let db = transaction.db
            let own = siteID.rawValue
            let view = try Self.fleetView(db)
            let largest = view.reports.values.compactMap(\.maximumDrift).reduce(maximumDrift, max)
            let reach = Milliseconds(2 * largest.value)
            let now = transaction.now
            let beyond = HybridTimestamp(milliseconds: min(now + reach.value, HybridTimestamp.maxMilliseconds), counter: UInt16.max).rawValue
            let sequences = try Int64.fetchAll(
                db, sql: "SELECT seq FROM change_log WHERE origin = ? AND hlc > ? ORDER BY seq",
                arguments: [own, beyond])
            guard let start = sequences.first else {
                return ClockRecovery(leadBefore: leadBefore, restamped: 0, firstRestamped: nil, leadAfter: leadBefore)
            }
            // A site reported holding one of them cannot have applied the fleet's rules; refuse.
            if let holder = view.reports.values.first(where: { $0.site != siteID && $0.vector[siteID] >= start }) {
                throw StoreError.clockRecoveryHeldElsewhere(site: holder.site, sequence: start)
            }
            // Compacted entries count too: one a fast change superseded, and saw, is gone from the log
            // (chaos seed 500629: re-stamped below it, the fast change lost to it where it was still held).
            let others =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT MAX(COALESCE((SELECT MAX(hlc) FROM change_log WHERE NOT (origin = ? AND seq >= ?)), 0), compacted_hlc)
                        FROM sync_clock
                        """, arguments: [own, start]) ?? 0
            let firstOld =
                try Int64.fetchOne(
                    db, sql: "SELECT MIN(hlc) FROM change_log WHERE origin = ? AND seq >= ?",
                    arguments: [own, start]) ?? 0
            // Every other change stays below the new stamps, as it was below the old ones.
            guard others < firstOld else { throw StoreError.clockRecoveryInterleaved(site: siteID) }
            let base = max(HybridTimestamp(milliseconds: min(now, HybridTimestamp.maxMilliseconds), counter: 0).rawValue, others)
            let lastNew = base + Int64(sequences.count)
            let leadAfter = (HybridTimestamp(rawValue: lastNew)?.milliseconds).map { $0 > now ? $0 - now : 0 } ?? 0
            // Still beyond that reach: another site's change, stamped ahead, lies below them.
            guard leadAfter <= reach.value else { throw StoreError.clockRecoveryIneffective(lead: Milliseconds(leadAfter), bound: reach) }
            let restamp = try db.makeStatement(sql: "UPDATE change_log SET hlc = ? WHERE origin = ? AND seq = ?")
            let loser = try db.makeStatement(sql: "UPDATE conflicts SET loser_hlc = ? WHERE loser_origin = ? AND loser_seq = ?")
            let winner = try db.makeStatement(sql: "UPDATE conflicts SET winner_hlc = ? WHERE winner_origin = ? AND winner_seq = ?")
            for (index, sequence) in sequences.enumerated() {
                let arguments: StatementArguments = [base + Int64(index) + 1, own, sequence]
                for statement in [restamp, loser, winner] { try statement.execute(arguments: arguments) }
            }
            // The re-stamped changes are sealed again, in new groups: no peer holds the old ones, since
            // a site keeps a group only once it holds all of its changes (and none holds these).
            try db.execute(sql: "DELETE FROM chain_groups WHERE origin = ? AND last >= ? AND last >= first", arguments: [own, start])
            // The clock comes back to the greatest timestamp the log now holds.
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(hlc) FROM change_log") ?? 0
            try db.execute(sql: "UPDATE sync_clock SET last_hlc = ?", arguments: [newest])
            transaction.clock = HybridLogicalClock(lastIssued: HybridTimestamp(rawValue: newest) ?? .zero, maximumDrift: maximumDrift)
            return ClockRecovery(
                leadBefore: leadBefore, restamped: sequences.count, firstRestamped: start,
                leadAfter: Milliseconds(leadAfter))
        }
    }
}

/// `peer_clock_readings`: how far this site's wall clock was ahead of each peer's clock when the
/// peer last reported itself (its report's time, at least its wall clock), and when.
enum PeerClockReadings {
    /// How long a reading counts.
    static let freshness: UInt64 = 15 * 60_000

    static func record(_ db: Database, peer: SiteID, reportedAt: HybridTimestamp, now: UInt64) throws {
        let ahead = Int64(clamping: now) - Int64(clamping: reportedAt.milliseconds)
        try db.execute(
            sql: """
                INSERT INTO peer_clock_readings (site, ahead_ms, read_ms) VALUES (?, ?, ?)
                ON CONFLICT (site) DO UPDATE SET ahead_ms = excluded.ahead_ms, read_ms = excluded.read_ms
                """, arguments: [peer.rawValue, ahead, Int64(clamping: now)])
    }

    /// The readings of `peers` taken in the last 15 minutes (by this site's wall clock; one taken
    /// "later" than now, before the wall clock stepped back, does not count).
    static func fresh(_ db: Database, peers: [SiteID], now: UInt64) throws -> [SiteID: Int64] {
        var readings: [SiteID: Int64] = [:]
        let wanted = Set(peers)
        for row in try Row.fetchAll(
            db, sql: "SELECT site, ahead_ms, read_ms FROM peer_clock_readings WHERE read_ms BETWEEN ? AND ?",
            arguments: [Int64(clamping: now) - Int64(freshness), Int64(clamping: now)])
        {
            guard let site = try? SiteID(row["site"]), wanted.contains(site) else { continue }
            readings[site] = row["ahead_ms"]
        }
        return readings
    }
}
