import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Deletes change-log entries that no site can need any more, and returns how many.
    ///
    /// An entry goes only when all of this holds:
    /// - it writes fields (deletes stay: they make deletes final at sites that join later);
    /// - none of the values it wrote is held now: each was replaced by a later write, or its row
    ///   was deleted (the newest version of every field stays, so a new or long-offline site still
    ///   receives the whole current state);
    /// - it is not part of a conflict-journal entry (so the journal can still be rebuilt elsewhere);
    /// - every peer in `acknowledged` has acknowledged holding it, and this site holds every change
    ///   each peer held then, so no change concurrent with it can still arrive from that peer.
    ///
    /// With no acknowledgement from some peer (`nil`), nothing is compacted. The work runs in
    /// chunks of `chunk` entries, each its own short write transaction, so writers never wait long.
    public func compact(acknowledged: [VersionVector?], chunk: Int = 500) throws(StoreError) -> Int {
        guard !acknowledged.isEmpty else { return 0 }
        let vectors = acknowledged.compactMap { $0 }
        guard vectors.count == acknowledged.count, let first = vectors.first else { return 0 }
        let held = try versionVector()
        for vector in vectors {
            for (origin, sequence) in vector.sequences where origin != siteID && held[origin] < sequence { return 0 }
        }
        let frontier = vectors.dropFirst().reduce(first) { $0.meet($1) }.meet(held)
        var removed = 0
        for (origin, limit) in frontier.sequences.sorted(by: { $0.key < $1.key }) {
            var cursor = VersionVector.nothing
            while cursor < limit {
                let (count, next) = try compactChunk(origin: origin, after: cursor, upTo: limit, chunk: chunk)
                removed += count
                cursor = next
            }
        }
        return removed
    }

    /// Compacts up to `chunk` entries of `origin` numbered in `(after, upTo]` in one transaction;
    /// returns how many it removed and the last number it looked at.
    private func compactChunk(origin: SiteID, after: Int64, upTo limit: Int64, chunk: Int) throws(StoreError) -> (Int, Int64) {
        try StoreError.mapping(path: path) {
            try pool.write { db in
                var decoder = ChangeLogDecoder()
                let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                    """), arguments: [origin.rawValue, after, limit, chunk])
                guard let last = rows.last else { return (0, limit) }
                var histories: [String: RowHistory] = [:]
                var removable: [Int64] = []
                for row in rows {
                    let change = try decoder.change(from: row)
                    guard !change.isDelete, try !Self.isJournaled(change, db) else { continue }
                    let key = "\(change.table.code)/\(change.rowID)"
                    let history = try histories[key]
                        ?? RowHistory.load(db, table: change.table, rowID: change.rowID.rawValue, decoder: &decoder)
                    histories[key] = history
                    let superseded = history.isDeleted
                        || change.values.allSatisfy { entry in history.version(of: entry.column).map { $0 > change.stamp } ?? false }
                    if superseded { removable.append(change.sequence) }
                }
                let delete = try db.cachedStatement(sql: "DELETE FROM change_log WHERE origin = ? AND seq = ?")
                for sequence in removable { try delete.execute(arguments: [origin.rawValue, sequence]) }
                return (removable.count, last["seq"] as Int64)
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
