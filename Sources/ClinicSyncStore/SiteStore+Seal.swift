package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Changes sealed per transaction: 20 full groups, a few milliseconds of hashing and signing.
    static let sealBatch = 20 * Int(SealedGroup.maximumChanges)

    /// Signs this site's changes made since the last seal (by clinicsync or any other program: the
    /// capture triggers log them all) into groups of its chain, starting the chain with its genesis
    /// group on the first call. Only what is sealed is ever served to peers.
    ///
    /// While the site recovers from a restore it seals nothing: its groups from before the loss
    /// come back from its peers, and sealing the same changes again would cut them into other groups,
    /// which peers would take for a second history.
    /// - Returns: how many changes were sealed.
    @discardableResult
    package func seal(using sealer: ChainSealer) throws(StoreError) -> Int {
        // Nothing to seal (the usual case before serving a peer): no write transaction at all.
        let pending = try read { db in
            guard let tip = try ChainTables.tip(db, siteID) else { return true }
            return try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM change_log WHERE origin = ? AND seq > ?)"),
                arguments: [siteID.rawValue, tip.last])!
        }
        guard pending else { return 0 }
        var sealed = 0
        while true {
            let (count, more): (Int, Bool) = try StoreError.mapping(path: path) {
                try timedWrite { db in
                    guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM recovery_peers)")! else { return (0, false) }
                    let tip =
                        try ChainTables.tip(db, siteID)
                        ?? {
                            let genesis = try sealer.genesis(of: siteID, at: try Int64.fetchOne(db, sql: "SELECT chain_genesis FROM sync_clock")!)
                            try ChainTables.insert(db, OriginChainState.StoredGroup(header: genesis, leaves: nil))
                            return genesis
                        }()
                    // The key the site signs with now (a new one after `identity rotate`), for peers' proofs.
                    try ChainTables.insertKey(db, siteID, sealer.signer.publicKey)
                    let rows = try Row.fetchAll(
                        db.cachedStatement(
                            sql: """
                                SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?
                                """), arguments: [siteID.rawValue, tip.last, Self.sealBatch])
                    var decoder = ChangeLogDecoder()
                    let changes = try rows.map { try decoder.change(from: $0) }
                    for group in try sealer.seal(changes, after: tip) { try ChainTables.insert(db, group) }
                    return (changes.count, rows.count == Self.sealBatch)
                }
            }
            sealed += count
            if !more { return sealed }
        }
    }

    /// The last number of this site's chain (its genesis − 1 before anything is sealed).
    package func sealedThrough() throws(StoreError) -> Int64 {
        try read { db in try ChainTables.sealedThrough(db, siteID) }
    }

    /// How many of this site's changes are not sealed yet (not servable to peers), counted up to `limit`.
    package func unsealedCount(limit: Int = .max) throws(StoreError) -> Int {
        try read { db in try Self.count(db, origin: siteID, above: try ChainTables.sealedThrough(db, siteID), limit: limit) }
    }
}
