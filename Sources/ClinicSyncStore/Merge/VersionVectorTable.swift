import ClinicSyncCore
import GRDB

/// Reads and raises the `version_vector` table, kept in step with the change log by every
/// transaction that stamps or applies changes.
enum VersionVectorTable {
    static func advance(_ db: Database, to stamp: WriteStamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO version_vector (origin, hlc) VALUES (?, ?)
            ON CONFLICT (origin) DO UPDATE SET hlc = MAX(hlc, excluded.hlc)
            """).execute(arguments: [stamp.origin.rawValue, stamp.timestamp.rawValue])
    }

    static func load(_ db: Database) throws -> VersionVector {
        var watermarks: [SiteID: HybridTimestamp] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, hlc FROM version_vector") {
            watermarks[try SiteID(row["origin"])] = HybridTimestamp(rawValue: row["hlc"]) ?? .zero
        }
        return VersionVector(watermarks)
    }
}

extension VersionVector {
    /// The stored form, `origin=hlc,origin=hlc` (site ids never contain `=` or `,`).
    var storedText: String {
        watermarks.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ",")
    }

    init(storedText: String) throws {
        var watermarks: [SiteID: HybridTimestamp] = [:]
        for pair in storedText.split(separator: ",") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let raw = Int64(parts[1]), let timestamp = HybridTimestamp(rawValue: raw) else {
                throw ValidationError(field: "peer_vector", rule: "stored version vector is malformed")
            }
            watermarks[try SiteID(String(parts[0]))] = timestamp
        }
        self.init(watermarks)
    }
}
