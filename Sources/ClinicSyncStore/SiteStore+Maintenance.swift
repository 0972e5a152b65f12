import ClinicSyncCore
import Foundation
import GRDB

extension SiteStore {
    /// Writes a consistent copy of the live database to `destination` with SQLite's online backup,
    /// while other connections keep reading and writing. Refuses to overwrite an existing file.
    public func backup(to destination: String) throws(StoreError) {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw .database(path: destination, message: "the backup file exists already; choose a new name")
        }
        try StoreError.mapping(path: destination) {
            FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600])
            let copy = try DatabaseQueue(path: destination)
            try pool.backup(to: copy)
            try copy.close()
        }
    }

    /// Runs SQLite's integrity check and verifies the change log against the tables. Returns the
    /// problems found, each naming what is inconsistent and how many rows (never their contents).
    public func check() throws(StoreError) -> [String] {
        try read { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems += integrity.prefix(20).map { "SQLite integrity: \($0)" } }
            func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            func expectNone(_ what: String, _ sql: String, _ arguments: StatementArguments = []) throws {
                let found = try count(sql, arguments)
                if found > 0 { problems.append("\(what): \(found)") }
            }
            // Compaction may remove an origin's newest entries, so the vector may run ahead of the log.
            try expectNone("version-vector entries behind the change log", """
                SELECT COUNT(*) FROM (SELECT origin, MAX(hlc) AS newest FROM change_log WHERE hlc IS NOT NULL GROUP BY origin) AS log
                LEFT JOIN version_vector AS vv USING (origin) WHERE vv.hlc IS NULL OR vv.hlc < log.newest
                """)
            try expectNone("field versions with no change-log entry", """
                SELECT COUNT(*) FROM cell_versions AS cv WHERE NOT EXISTS (
                    SELECT 1 FROM change_log AS c WHERE c.origin = cv.origin AND c.hlc = cv.hlc
                    AND c.tbl = cv.tbl AND c.row_id = cv.row_id AND c.col = cv.col)
                """)
            try expectNone("fields whose recorded version is not their newest change", """
                SELECT COUNT(*) FROM change_log AS c JOIN cell_versions AS cv USING (tbl, row_id, col)
                WHERE c.hlc IS NOT NULL AND (c.hlc, c.origin) > (cv.hlc, cv.origin)
                """)
            try expectNone("changed fields with no recorded version", """
                SELECT COUNT(*) FROM (SELECT DISTINCT tbl, row_id, col FROM change_log WHERE col IS NOT NULL AND hlc IS NOT NULL) AS c
                WHERE NOT EXISTS (SELECT 1 FROM cell_versions AS cv WHERE cv.tbl = c.tbl AND cv.row_id = c.row_id AND cv.col = c.col)
                """)
            try expectNone("deleted rows with no delete in the change log", """
                SELECT COUNT(*) FROM tombstones AS t WHERE NOT EXISTS (
                    SELECT 1 FROM change_log AS c WHERE c.tbl = t.tbl AND c.row_id = t.row_id AND c.col IS NULL)
                """)
            for table in SyncedTable.allCases {
                let name = table.rawValue
                try expectNone("\(name) rows that were deleted", """
                    SELECT COUNT(*) FROM \(name) WHERE id IN (SELECT row_id FROM tombstones WHERE tbl = ?)
                    """, [name])
                try expectNone("\(name) rows with no change history", """
                    SELECT COUNT(*) FROM \(name) WHERE id NOT IN (SELECT row_id FROM cell_versions WHERE tbl = ?)
                    """, [name])
                try expectNone("\(name) rows missing although their changes are held", """
                    SELECT COUNT(*) FROM (SELECT DISTINCT row_id FROM cell_versions WHERE tbl = ?) AS cv
                    WHERE cv.row_id NOT IN (SELECT id FROM \(name)) AND cv.row_id NOT IN (SELECT row_id FROM tombstones WHERE tbl = ?)
                    """, [name, name])
                for column in table.columns {
                    try expectNone("\(name).\(column.name) values that differ from their newest change", """
                        SELECT COUNT(*) FROM \(name) AS t
                        JOIN cell_versions AS cv ON cv.tbl = ? AND cv.row_id = t.id AND cv.col = ?
                        JOIN change_log AS c ON c.origin = cv.origin AND c.hlc = cv.hlc
                        WHERE t.\(column.name) IS NOT c.value
                        """, [name, column.name])
                }
            }
            return problems
        }
    }
}
