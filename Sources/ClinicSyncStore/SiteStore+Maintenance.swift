import ClinicSyncCore
import Foundation
import GRDB

extension SiteStore {
    /// Writes a consistent copy of the live database to `destination` with SQLite's online backup,
    /// while other connections keep reading and writing. Refuses to overwrite an existing file.
    package func backup(to destination: String) throws(StoreError) {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw .database(path: destination, message: "the backup file exists already; choose a new name")
        }
        try StoreError.mapping(path: destination) {
            _ = FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600])
            let copy = try DatabaseQueue(path: destination)
            try pool.backup(to: copy)
            // One self-contained file: a read of it (`check`) then creates nothing beside it.
            try copy.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
        }
    }

    /// Runs SQLite's integrity check and verifies the change log against the tables. Returns the
    /// problems found, each naming what is inconsistent and how many rows (never their contents).
    package func check() throws(StoreError) -> [String] {
        try read { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems += integrity.prefix(20).map { "SQLite integrity: \($0)" } }
            var counts: [String: Int] = [:]
            let vector = try VersionVectorTable.load(db)
            for row in try Row.fetchAll(db, sql: "SELECT origin, MAX(seq) AS newest FROM change_log GROUP BY origin") {
                let origin = try SiteID(row["origin"])
                if vector[origin] < row["newest"] { counts["version-vector entries behind the change log", default: 0] += 1 }
            }
            var decoder = ChangeLogDecoder()
            // A read: this site's entries not indexed yet are added to their rows' histories here.
            let unindexed = try RowIndex.unindexed(db, decoder: &decoder)
            // Index entries whose log entry is gone (a compaction stopped between its two sweeps) are
            // harmless: reads join on the log, and the next compaction removes them.
            let indexed =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM row_entries AS r JOIN change_log AS c ON c.origin = r.origin AND c.seq = r.seq
                        """) ?? 0
            let logged = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log") ?? 0
            if indexed + unindexed.values.reduce(0, { $0 + $1.count }) != logged {
                counts["change-log entries missing from the row index or indexed twice"] = 1
            }
            for table in SyncedTable.allCases {
                let names = ["id"] + table.columns.map(\.name)
                var rowIDs = Set(try String.fetchAll(db, sql: "SELECT DISTINCT row_id FROM row_entries WHERE tbl = ?", arguments: [table.code]))
                for key in unindexed.keys where key.hasPrefix("\(table.code)/") { rowIDs.insert(String(key.dropFirst("\(table.code)/".count))) }
                for rowID in rowIDs.sorted() {
                    let history = try RowHistory.load(
                        db, table: table, rowID: rowID, decoder: &decoder, unindexed: unindexed[RowIndex.key(table.code, rowID)] ?? [])
                    let stored = try Row.fetchOne(
                        db.cachedStatement(sql: "SELECT \(names.joined(separator: ", ")) FROM \(table.rawValue) WHERE id = ?"),
                        arguments: [rowID])
                    if history.isDeleted {
                        if stored != nil { counts["\(table) rows that were deleted", default: 0] += 1 }
                        if try !RowHistory.isDeleted(db, table: table, rowID: rowID) { counts["deleted rows with no tombstone", default: 0] += 1 }
                        continue
                    }
                    guard let stored else {
                        counts["\(table) rows missing although their changes are held", default: 0] += 1
                        continue
                    }
                    for column in table.columns {
                        let expected = history.current(column)?.value(of: column) ?? .null
                        if FieldValue(stored[column.name] as DatabaseValue) != expected {
                            counts["\(table).\(column.name) values that differ from their newest change", default: 0] += 1
                        }
                    }
                }
                let unhistoried = try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM \(table.rawValue) AS t
                        WHERE NOT EXISTS (SELECT 1 FROM row_entries AS r WHERE r.tbl = ? AND r.row_id = t.id)
                        """, arguments: [table.code])
                let orphans = unhistoried.filter { unindexed[RowIndex.key(table.code, $0)] == nil }.count
                if orphans > 0 { counts["\(table) rows with no change history"] = orphans }
            }
            problems += counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            return problems
        }
    }
}
