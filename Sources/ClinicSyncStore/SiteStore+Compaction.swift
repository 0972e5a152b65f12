import ClinicSyncCore
import GRDB

/// What one compaction did.
public struct CompactionOutcome: Sendable, Equatable {
    /// Change-log entries removed.
    public var removed = 0
    /// Why nothing (more) could be removed, when the fleet's state held compaction back.
    public var blocked: String?

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
    /// The work runs in chunks of `chunk` entries, each its own short write transaction that
    /// re-reads the frontier, so writers never wait long and news from the fleet takes effect at once.
    public func compact(configuredPeers: [SiteID], chunk: Int = 500) throws(StoreError) -> CompactionOutcome {
        var outcome = CompactionOutcome()
        var cursors: [SiteID: Int64] = [:]
        while true {
            let step = try compactChunk(configuredPeers: configuredPeers, after: cursors, chunk: chunk)
            outcome.removed += step.removed
            outcome.blocked = step.blocked
            guard let (origin, last) = step.position else { return outcome }
            cursors[origin] = last
        }
    }

    private struct ChunkStep {
        var removed = 0
        var blocked: String?
        /// The origin and last number looked at; `nil` when there is nothing left below the frontier.
        var position: (SiteID, Int64)?
    }

    /// Looks at up to `chunk` entries below the frontier of the first origin not yet finished.
    private func compactChunk(configuredPeers: [SiteID], after cursors: [SiteID: Int64], chunk: Int) throws(StoreError) -> ChunkStep {
        try StoreError.mapping(path: path) {
            try pool.write { db in
                let holding = try VersionVectorTable.load(db)
                let frontier: VersionVector
                switch try Self.fleetView(db).compactionFrontier(site: siteID, configuredPeers: configuredPeers, holding: holding) {
                case let .blocked(reason): return ChunkStep(blocked: reason)
                case let .ready(vector): frontier = vector
                }
                var decoder = ChangeLogDecoder()
                for (origin, limit) in frontier.sequences.sorted(by: { $0.key < $1.key }) {
                    let after = cursors[origin] ?? VersionVector.nothing
                    guard after < limit else { continue }
                    let rows = try Row.fetchAll(db.cachedStatement(sql: """
                        SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                        """), arguments: [origin.rawValue, after, limit, chunk])
                    guard let last = rows.last else { return ChunkStep(position: (origin, limit)) }
                    var removed = 0
                    var histories: [String: RowHistory] = [:]
                    let delete = try db.cachedStatement(sql: "DELETE FROM change_log WHERE origin = ? AND seq = ?")
                    for row in rows {
                        let change = try decoder.change(from: row)
                        guard !change.isDelete, try !Self.isJournaled(change, db) else { continue }
                        let key = "\(change.table.code)/\(change.rowID)"
                        let history = try histories[key]
                            ?? RowHistory.load(db, table: change.table, rowID: change.rowID.rawValue, decoder: &decoder)
                        histories[key] = history
                        let superseded = history.isDeleted
                            || change.values.allSatisfy { entry in history.version(of: entry.column).map { $0 > change.stamp } ?? false }
                        if superseded {
                            try delete.execute(arguments: [origin.rawValue, change.sequence])
                            removed += 1
                        }
                    }
                    return ChunkStep(removed: removed, position: (origin, last["seq"]))
                }
                return ChunkStep()
            }
        }
    }

    private static func isJournaled(_ change: Change, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM conflicts WHERE loser_origin = ?1 AND loser_seq = ?2)
                OR EXISTS (SELECT 1 FROM conflicts WHERE winner_origin = ?1 AND winner_seq = ?2)
            """), arguments: [change.origin.rawValue, change.sequence]) ?? false
    }
}
