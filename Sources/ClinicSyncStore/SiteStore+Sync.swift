import ClinicSyncCore
import GRDB

extension SiteStore {
    /// The greatest sequence number held per origin site, as told to peers: while the site
    /// recovers from a restore, its own number is what it has got back so far.
    public func versionVector() throws(StoreError) -> VersionVector {
        try read { db in try VersionVectorTable.load(db, asking: true) }
    }

    /// Up to `limit` changes a holder of `vector` lacks: for each origin (in site-id order), the
    /// changes above the vector's number in sequence order. `through` names each origin whose
    /// missing changes all fit, with this site's number for it (compacted numbers have no entry).
    ///
    /// While the site recovers from a restore, it serves its own changes only up to what it has got
    /// back: a receiver holds an origin up to the greatest number it received, so sending a new
    /// change first would make it skip the ones being recovered.
    public func changes(missingFrom vector: VersionVector, limit: Int) throws(StoreError) -> ChangeBatch {
        try read { db in
            var batch = ChangeBatch(changes: [], through: VersionVector())
            var decoder = ChangeLogDecoder()
            for (origin, held) in try VersionVectorTable.load(db, asking: true).sequences.sorted(by: { $0.key < $1.key }) {
                let known = vector[origin]
                let room = limit - batch.changes.count
                guard held > known, room > 0 else { continue }
                let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                    """), arguments: [origin.rawValue, known, held, room])
                for row in rows { batch.changes.append(try decoder.change(from: row)) }
                if rows.count < room { batch.through.advance(origin, to: held) }
            }
            return batch
        }
    }

    /// How many changes a holder of `vector` lacks.
    public func missingCount(from vector: VersionVector) throws(StoreError) -> Int {
        try read { db in
            var total = 0
            for (origin, held) in try VersionVectorTable.load(db).sequences where held > vector[origin] {
                total += try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM change_log WHERE origin = ? AND seq > ?"),
                    arguments: [origin.rawValue, vector[origin]]) ?? 0
            }
            return total
        }
    }

    /// How many changes this site has made itself.
    public func localChangeCount() throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE origin = ?", arguments: [siteID.rawValue]) ?? 0
        }
    }
}
