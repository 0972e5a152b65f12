package import ClinicSyncCore
import GRDB

extension SiteStore {
    /// Checks every origin's chain as held here: each starts with its genesis group, each group
    /// follows the one before it, its leaves give its root, and every change the log holds in it
    /// gives its leaf. Signatures were checked when the groups arrived and are not checked again.
    /// Returns the problems found, naming origin and numbers (never contents).
    package func checkChains(crypto: any ChainCrypto) throws(StoreError) -> [String] {
        try read { db in
            var problems: [String] = []
            var decoder = ChangeLogDecoder()
            for name in try String.fetchAll(db, sql: "SELECT DISTINCT origin FROM chain_groups ORDER BY origin") {
                let origin = try SiteID(name)
                guard let genesis = try ChainTables.genesis(db, origin) else {
                    problems.append("the chain of '\(origin)' has no genesis group")
                    continue
                }
                var previous = genesis.last
                for group in try ChainTables.groups(db, origin, overlapping: genesis.genesis...Int64.max) {
                    let header = group.header
                    let name = "group #\(header.first)...\(header.last) of '\(origin)'"
                    if header.genesis != genesis.genesis || header.previous != previous {
                        problems.append("\(name) does not follow #\(previous) of its chain")
                    }
                    previous = header.last
                    let rows = try Row.fetchAll(
                        db.cachedStatement(
                            sql: """
                                SELECT \(ChangeLogDecoder.columns) FROM change_log WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq
                                """), arguments: [origin.rawValue, header.first, header.last])
                    guard let leaves = group.leaves else {
                        if !rows.isEmpty { problems.append("\(name) is kept by its root alone but \(rows.count) of its changes are held") }
                        continue
                    }
                    if leaves.count != Int(header.count) || crypto.root(ofLeaves: leaves) != header.root {
                        problems.append("\(name): its leaves do not give its root")
                        continue
                    }
                    let altered = try rows.filter { row in
                        let change = try decoder.change(from: row)
                        return crypto.leaf(of: change) != group.leaf(change.sequence)
                    }.count
                    if altered > 0 { problems.append("\(name): \(altered) change(s) differ from what was sealed") }
                }
            }
            return problems
        }
    }
}
