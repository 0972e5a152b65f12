import ClinicSyncCore
import Foundation
import GRDB

/// Reads and writes `chain_groups` and `chain_keys`: each origin's signed groups (the genesis
/// group, with no change, has `last = first - 1`) and the public keys it signed them with.
enum ChainTables {
    static let columns = "origin, last, first, genesis, previous, root, signature, leaves"

    /// The genesis group of `origin`, once held.
    static func genesis(_ db: Database, _ origin: SiteID) throws -> SealedGroup? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM chain_groups WHERE origin = ? ORDER BY last LIMIT 1"),
            arguments: [origin.rawValue]
        ).map(group).flatMap { $0.header.isGenesis ? $0.header : nil }
    }

    /// The last group of `origin` held.
    static func tip(_ db: Database, _ origin: SiteID) throws -> SealedGroup? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM chain_groups WHERE origin = ? ORDER BY last DESC LIMIT 1"),
            arguments: [origin.rawValue]
        ).map(group)?.header
    }

    /// The last number of each origin's chain.
    static func tips(_ db: Database) throws -> [SiteID: Int64] {
        var tips: [SiteID: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, MAX(last) AS last FROM chain_groups GROUP BY origin") {
            tips[try SiteID(row["origin"])] = row["last"]
        }
        return tips
    }

    /// The groups of `origin` (genesis excepted) that overlap `numbers`, in order.
    static func groups(_ db: Database, _ origin: SiteID, overlapping numbers: ClosedRange<Int64>) throws -> [OriginChainState.StoredGroup] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(columns) FROM chain_groups WHERE origin = ? AND last >= ? AND first <= ? AND last >= first ORDER BY last
                    """), arguments: [origin.rawValue, numbers.lowerBound, numbers.upperBound]
        ).map(group)
    }

    /// Keeps a group.
    static func insert(_ db: Database, _ group: OriginChainState.StoredGroup) throws {
        let header = group.header
        try db.cachedStatement(sql: "INSERT INTO chain_groups (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").execute(arguments: [
            header.origin.rawValue, header.last, header.first, header.genesis, header.previous, Data(header.root), Data(header.signature),
            group.leaves.map { Data($0.joined()) },
        ])
    }

    /// The public keys held for `origin`.
    static func keys(_ db: Database, _ origin: SiteID) throws -> [[UInt8]] {
        try Data.fetchAll(db.cachedStatement(sql: "SELECT public_key FROM chain_keys WHERE origin = ?"), arguments: [origin.rawValue]).map {
            Array($0)
        }
    }

    /// Keeps a public key of `origin`.
    static func insertKey(_ db: Database, _ origin: SiteID, _ key: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO chain_keys (origin, public_key) VALUES (?, ?)").execute(arguments: [
            origin.rawValue, Data(key),
        ])
    }

    /// What the site holds of `origin`'s chain, with its `groups` a batch touches, for verifying it.
    static func state(_ db: Database, _ origin: SiteID, groups: [OriginChainState.StoredGroup], held: Int64) throws -> OriginChainState {
        OriginChainState(genesis: try genesis(db, origin), tip: try tip(db, origin), groups: groups, held: held, knownKeys: try keys(db, origin))
    }

    /// The last number of the site's own chain (its genesis − 1 before anything is sealed).
    static func sealedThrough(_ db: Database, _ site: SiteID) throws -> Int64 {
        try tip(db, site)?.last ?? (try Int64.fetchOne(db, sql: "SELECT chain_genesis - 1 FROM sync_clock")!)
    }

    static func group(_ row: Row) throws -> OriginChainState.StoredGroup {
        let header = SealedGroup(
            origin: try SiteID(row["origin"]), genesis: row["genesis"], previous: row["previous"], first: row["first"], last: row["last"],
            root: Array(row["root"] as Data), signature: Array(row["signature"] as Data))
        let leaves = (row["leaves"] as Data?).map { data in
            stride(from: 0, to: data.count, by: 32).map { Array(data[data.startIndex + $0..<data.startIndex + $0 + 32]) }
        }
        return OriginChainState.StoredGroup(header: header, leaves: leaves)
    }
}
