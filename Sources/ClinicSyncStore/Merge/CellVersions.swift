import ClinicSyncCore
import GRDB

/// Reads and writes `cell_versions`: the stamp of the value each field holds now.
enum CellVersions {
    static func version(_ db: Database, table: String, rowID: String, column: String) throws -> WriteStamp? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT hlc, origin FROM cell_versions WHERE tbl = ? AND row_id = ? AND col = ?"),
            arguments: [table, rowID, column])
        return try row.map { try stamp(from: $0) }
    }

    static func greatestVersion(_ db: Database, table: String, rowID: String) throws -> WriteStamp? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT hlc, origin FROM cell_versions WHERE tbl = ? AND row_id = ?
                ORDER BY hlc DESC, origin DESC LIMIT 1
                """),
            arguments: [table, rowID])
        return try row.map { try stamp(from: $0) }
    }

    static func set(_ db: Database, table: String, rowID: String, column: String, to stamp: WriteStamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO cell_versions (tbl, row_id, col, hlc, origin) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin
            """).execute(arguments: [table, rowID, column, stamp.timestamp.rawValue, stamp.origin.rawValue])
    }

    /// Reads a `(hlc, origin)` pair; the store wrote it, so it is well formed unless the file was tampered with.
    static func stamp(from row: Row, timestamp: String = "hlc", origin: String = "origin") throws -> WriteStamp {
        guard let raw = row[timestamp] as Int64?, let timestampValue = HybridTimestamp(rawValue: raw),
              let originText = row[origin] as String?
        else {
            throw ValidationError(field: timestamp, rule: "stored version is missing or negative (database damaged?)")
        }
        return WriteStamp(timestampValue, try SiteID(originText))
    }
}

/// Reads and writes `tombstones`: rows deleted at some site, keeping the smallest delete stamp.
enum Tombstones {
    static func record(_ db: Database, table: String, rowID: String, stamp: WriteStamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO tombstones (tbl, row_id, hlc, origin) VALUES (?, ?, ?, ?)
            ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin
            WHERE (excluded.hlc, excluded.origin) < (tombstones.hlc, tombstones.origin)
            """).execute(arguments: [table, rowID, stamp.timestamp.rawValue, stamp.origin.rawValue])
    }

    static func contains(_ db: Database, table: String, rowID: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM tombstones WHERE tbl = ? AND row_id = ?)"),
            arguments: [table, rowID]) ?? false
    }
}
