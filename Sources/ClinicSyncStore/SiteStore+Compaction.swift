import ClinicSyncCore
import GRDB

/// What one compaction did.
public struct CompactionOutcome: Sendable, Equatable {
    /// Change-log entries removed.
    public var removed = 0
    /// Why nothing (more) could be removed, when the fleet's state held compaction back.
    public var blocked: String?
    /// The longest of its write transactions: how long a writer could have waited behind it.
    public var longestTransactionSeconds: Double = 0

    /// The outcome of a compaction.
    public init(removed: Int = 0, blocked: String? = nil) {
        self.removed = removed
        self.blocked = blocked
    }
}

extension SiteStore {
    /// Deletes change-log entries that no site can need any more.
    ///
    /// An entry goes only when all of this holds:
    /// - it writes fields (deletes stay: they make deletes final at sites that join later);
    /// - none of the values it wrote is held now: each was replaced by a later write, or its row
    ///   was deleted (the newest version of every field stays, so a new or long-offline site still
    ///   receives the whole current state);
    /// - it is not part of a conflict-journal entry (so the journal can still be rebuilt elsewhere);
    /// - it is below the fleet's compaction frontier (``FleetView/compactionFrontier(site:configuredPeers:holding:)``):
    ///   every site of the fleet, learned through the reports sites pass on, holds it, and every
    ///   change concurrent with it is held here.
    ///
    /// The work goes row by row, in chunks of at most `chunk` rows and ``chunkTimeBudget``, each its
    /// own write transaction that re-reads the frontier, so writers never wait long and news from
    /// the fleet takes effect at once.
    public func compact(configuredPeers: [SiteID], chunk: Int = 5000) throws(StoreError) -> CompactionOutcome {
        try catchUpRowIndex()
        var outcome = CompactionOutcome()
        var cursor: (Int, String) = (Int.min, "")
        while true {
            let started = ContinuousClock.now
            let step = try compactChunk(configuredPeers: configuredPeers, after: cursor, chunk: chunk)
            let elapsed = ContinuousClock.now - started
            outcome.longestTransactionSeconds = max(
                outcome.longestTransactionSeconds,
                Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            outcome.removed += step.removed
            outcome.blocked = step.blocked
            guard let next = step.next else { return outcome }
            cursor = next
        }
    }

    private struct ChunkStep {
        var removed = 0
        var blocked: String?
        /// The last row looked at; `nil` when every row has been.
        var next: (Int, String)?
    }

    /// Most of a chunk's transaction, so that a writer waiting behind it waits well under 100 ms.
    static let chunkTimeBudget = Duration.milliseconds(40)

    /// Compacts the rows after `cursor` (in table and id order) for at most ``chunkTimeBudget``,
    /// reading each row's entries once, by their stamps and column masks only (never their values).
    private func compactChunk(configuredPeers: [SiteID], after cursor: (Int, String), chunk: Int) throws(StoreError) -> ChunkStep {
        try StoreError.mapping(path: path) {
            try pool.write { db in
                let started = ContinuousClock.now
                let holding = try VersionVectorTable.load(db)
                let frontier: VersionVector
                switch try Self.fleetView(db).compactionFrontier(site: siteID, configuredPeers: configuredPeers, holding: holding) {
                case let .blocked(reason): return ChunkStep(blocked: reason)
                case let .ready(vector): frontier = vector
                }
                try RowIndex.catchUp(db)
                let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT DISTINCT tbl, row_id FROM row_entries WHERE (tbl, row_id) > (?, ?) ORDER BY tbl, row_id LIMIT ?
                    """), arguments: [cursor.0, cursor.1, chunk])
                var step = ChunkStep()
                for (index, row) in rows.enumerated() {
                    if index % 16 == 15, ContinuousClock.now - started > Self.chunkTimeBudget { break }
                    let table: Int = row["tbl"], rowID: String = row["row_id"]
                    step.next = (table, rowID)
                    for (origin, sequence) in try Self.removable(db, table: table, rowID: rowID, below: frontier) {
                        try RowIndex.remove(db, table: table, rowID: rowID, origin: origin, sequence: sequence)
                        step.removed += 1
                    }
                }
                return step
            }
        }
    }

    /// The entries of one row that compaction may remove: writes below the frontier whose values
    /// were all replaced (or whose row was deleted) and that no journal entry names.
    private static func removable(_ db: Database, table: Int, rowID: String, below frontier: VersionVector) throws -> [(String, Int64)] {
        var entries: [(origin: String, sequence: Int64, stamp: (Int64, String), mask: Int)] = []
        var deleted = false
        var newest: [Int: (Int64, String)] = [:]
        let cursor = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT c.origin, c.seq, c.hlc, c.cols FROM row_entries AS r JOIN change_log AS c ON c.origin = r.origin AND c.seq = r.seq
                WHERE r.tbl = ? AND r.row_id = ?
                """),
            arguments: [table, rowID])
        while let row = try cursor.next() {
            let origin: String = row["origin"], mask: Int = row["cols"]
            let stamp: (Int64, String) = (row["hlc"], origin)
            if mask == 0 { deleted = true; continue }
            entries.append((origin, row["seq"], stamp, mask))
            for bit in Self.bits(of: mask) where newest[bit].map({ $0 < stamp }) ?? true { newest[bit] = stamp }
        }
        guard entries.count > 1 || deleted else { return [] }
        var removable: [(String, Int64)] = []
        for entry in entries {
            guard let origin = try? SiteID(entry.origin), entry.sequence <= frontier[origin] else { continue }
            let replaced = deleted || Self.bits(of: entry.mask).allSatisfy { newest[$0].map { $0 > entry.stamp } ?? false }
            guard replaced, try !isJournaled(db, origin: entry.origin, sequence: entry.sequence) else { continue }
            removable.append((entry.origin, entry.sequence))
        }
        return removable
    }

    private static func bits(of mask: Int) -> [Int] {
        var bits: [Int] = []
        var rest = mask
        while rest != 0 {
            bits.append(rest.trailingZeroBitCount)
            rest &= rest - 1
        }
        return bits
    }

    private static func isJournaled(_ db: Database, origin: String, sequence: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM conflicts WHERE loser_origin = ?1 AND loser_seq = ?2)
                OR EXISTS (SELECT 1 FROM conflicts WHERE winner_origin = ?1 AND winner_seq = ?2)
            """), arguments: [origin, sequence]) ?? false
    }
}
