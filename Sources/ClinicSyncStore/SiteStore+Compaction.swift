import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Deletes change-log entries that no site can need any more, and returns how many.
    ///
    /// An entry goes only when all of this holds:
    /// - it writes a field (deletes are tombstones and stay forever);
    /// - it is not the value the field holds now (the newest version of every field stays, so a new
    ///   or long-offline site still receives the whole current state);
    /// - it is not part of a conflict-journal entry (so the journal can still be rebuilt elsewhere);
    /// - every peer in `acknowledged` has acknowledged holding it, and this site holds every change
    ///   each peer had made by then (its own watermark in its acknowledged vector), so no change
    ///   concurrent with it can still arrive from that peer.
    ///
    /// With no acknowledgement from some peer (`nil`), nothing is compacted.
    public func compact(acknowledged: [VersionVector?]) throws(StoreError) -> Int {
        guard !acknowledged.isEmpty else { return 0 }
        let vectors = acknowledged.compactMap { $0 }
        guard vectors.count == acknowledged.count else { return 0 }
        return try StoreError.mapping(path: path) {
            try pool.write { db in
                let held = try VersionVectorTable.load(db)
                // Each peer must not hold changes this site lacks (its own, or relayed ones): those could
                // be concurrent with what would be compacted.
                for vector in vectors {
                    for (origin, watermark) in vector.watermarks where origin != siteID && held[origin] < watermark {
                        return 0
                    }
                }
                var removed = 0
                for origin in held.watermarks.keys {
                    let threshold = vectors.map { $0[origin] }.min() ?? .zero
                    guard threshold > .zero else { continue }
                    try db.execute(sql: """
                        DELETE FROM change_log
                        WHERE origin = ? AND hlc <= ? AND col IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM cell_versions AS cv
                                          WHERE cv.origin = change_log.origin AND cv.hlc = change_log.hlc)
                          AND NOT EXISTS (SELECT 1 FROM conflicts AS c
                                          WHERE (c.loser_origin = change_log.origin AND c.loser_hlc = change_log.hlc)
                                             OR (c.winner_origin = change_log.origin AND c.winner_hlc = change_log.hlc))
                        """, arguments: [origin.rawValue, threshold.rawValue])
                    removed += db.changesCount
                }
                return removed
            }
        }
    }
}
