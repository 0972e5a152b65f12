package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// The greatest sequence number held per origin site, as told to peers: while the site
    /// recovers from a restore, its own number is what it has got back so far.
    package func versionVector() throws(StoreError) -> VersionVector {
        try read { db in try VersionVectorTable.load(db, asking: true) }
    }

    /// Up to `limit` changes a holder of `vector` lacks: for each origin (in site-id order), the
    /// changes above the vector's number in sequence order, with the groups its origin signed them
    /// in. `through` names each origin whose missing changes all fit, with this site's number for it
    /// (compacted numbers have no entry).
    ///
    /// An origin is served up to the end of its chain here (this site's own changes: as far as they
    /// are sealed; an origin whose chain start has not arrived is not served at all, since no
    /// receiver could verify it), and a batch cut by `limit` ends each origin at the end of a group
    /// unless that would leave it empty. While the site recovers from a restore, it serves its own changes only
    /// up to what it has got back: a receiver holds an origin up to the greatest number it received,
    /// so sending a new change first would make it skip the ones being recovered.
    package func changes(missingFrom vector: VersionVector, limit: Int) throws(StoreError) -> ChangeBatch {
        try read { db in
            var batch = ChangeBatch(changes: [], through: VersionVector())
            var decoder = ChangeLogDecoder()
            let tips = try ChainTables.tips(db)
            for (origin, held) in try VersionVectorTable.load(db, asking: true).sequences.sorted(by: { $0.key < $1.key }) {
                let known = vector[origin]
                let room = limit - batch.changes.count
                guard let tip = tips[origin] else { continue }
                let servable = min(held, tip)
                guard servable > known else {
                    // A receiver that holds all of an origin's legacy changes still needs its chain's
                    // start, to relay that history and to verify what comes next.
                    if let genesis = try ChainTables.genesis(db, origin), known == genesis.genesis - 1 {
                        batch.proofs[origin] = OriginProof(publicKeys: try ChainTables.keys(db, origin), groups: [OriginProof.Group(header: genesis)])
                    }
                    continue
                }
                guard room > 0 else {
                    batch.isComplete = false
                    break
                }
                let rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                            """), arguments: [origin.rawValue, known, servable, room])
                var changes = try rows.map { try decoder.change(from: $0) }
                let complete = rows.count < room
                if !complete { batch.isComplete = false }
                if !complete, let last = changes.last?.sequence,
                    let group = try ChainTables.groups(db, origin, overlapping: last...last).first, group.header.last > last
                {
                    let whole = changes.filter { $0.sequence < group.header.first }
                    if !whole.isEmpty || !batch.changes.isEmpty { changes = whole }
                    if changes.isEmpty { continue }
                }
                batch.changes += changes
                if complete { batch.through.advance(origin, to: servable) }
                batch.proofs[origin] = try Self.proof(
                    db, origin, from: known + 1, to: complete ? servable : changes.last!.sequence,
                    carrying: Set(changes.map(\.sequence)))
            }
            return batch
        }
    }

    /// The proof of `origin`'s numbers `from...to` for a receiver at `from - 1`.
    private static func proof(_ db: Database, _ origin: SiteID, from: Int64, to: Int64, carrying: Set<Int64>) throws -> OriginProof? {
        guard let genesis = try ChainTables.genesis(db, origin) else { return nil }
        let start = max(from, genesis.genesis)
        let groups = start <= to ? try ChainTables.groups(db, origin, overlapping: start...to) : []
        return OriginProof(publicKeys: try ChainTables.keys(db, origin), genesis: genesis, groups: groups, from: from, carrying: carrying)
    }

    /// How many changes a holder of `vector` lacks, counted up to `limit` (counting reads every
    /// entry counted: a million take a tenth of a second).
    package func missingCount(from vector: VersionVector, limit: Int = .max) throws(StoreError) -> Int {
        try read { db in
            var total = 0
            for (origin, held) in try VersionVectorTable.load(db).sequences.sorted(by: { $0.key < $1.key })
            where held > vector[origin] && total < limit {
                total += try Self.count(db, origin: origin, above: vector[origin], limit: limit - total)
            }
            return total
        }
    }

    /// The entries of `origin` numbered above `sequence`, counted up to `limit`.
    static func count(_ db: Database, origin: SiteID, above sequence: Int64, limit: Int) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM (SELECT 1 FROM change_log WHERE origin = ? AND seq > ? LIMIT ?)"),
            arguments: [origin.rawValue, sequence, Int64(clamping: limit)]) ?? 0
    }

    /// How many changes this site has made itself.
    package func localChangeCount() throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE origin = ?", arguments: [siteID.rawValue]) ?? 0
        }
    }
}
