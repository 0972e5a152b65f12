import ClinicSyncCore
import GRDB

extension SiteStore {
    /// The greatest timestamp held per origin site.
    public func versionVector() throws(StoreError) -> VersionVector {
        try read { db in try VersionVectorTable.load(db) }
    }

    /// Up to `limit` changes a holder of `vector` lacks: for each origin (in site-id order), the
    /// changes above the vector's watermark in timestamp order.
    public func changes(missingFrom vector: VersionVector, limit: Int) throws(StoreError) -> [Change] {
        try read { db in
            var batch: [Change] = []
            for (origin, held) in try VersionVectorTable.load(db).watermarks.sorted(by: { $0.key < $1.key }) {
                let known = vector[origin]
                guard held > known, batch.count < limit else { continue }
                let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT \(ChangeLogEntry.columns) FROM change_log
                    WHERE origin = ? AND hlc > ? ORDER BY hlc LIMIT ?
                    """), arguments: [origin.rawValue, known.rawValue, limit - batch.count])
                batch += try rows.map(ChangeLogEntry.change(from:))
            }
            return batch
        }
    }

    /// How many changes a holder of `vector` lacks.
    public func missingCount(from vector: VersionVector) throws(StoreError) -> Int {
        try read { db in
            var total = 0
            for (origin, held) in try VersionVectorTable.load(db).watermarks where held > vector[origin] {
                total += try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM change_log WHERE origin = ? AND hlc > ?"),
                    arguments: [origin.rawValue, vector[origin].rawValue]) ?? 0
            }
            return total
        }
    }
}

extension SiteStore {
    /// How many changes this site has made itself (captured and stamped here).
    public func localChangeCount() throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE origin = ? AND hlc > 0", arguments: [siteID.rawValue]) ?? 0
        }
    }
}
