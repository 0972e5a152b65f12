import ClinicSyncCore
import GRDB

/// Reads and raises the `version_vector` table, kept in step with the change log by every
/// transaction that applies changes. This site's own number is the greater of its row here (its
/// changes from before version 2, or recovered from peers) and `sync_clock.last_seq`, which the
/// capture triggers advance. While it recovers from a restore, the vector it *asks* with counts only
/// its row, so that peers send back the changes it made after the backup.
enum VersionVectorTable {
    static func advance(_ db: Database, _ origin: SiteID, to sequence: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO version_vector (origin, seq) VALUES (?, ?)
            ON CONFLICT (origin) DO UPDATE SET seq = MAX(seq, excluded.seq)
            """).execute(arguments: [origin.rawValue, sequence])
    }

    /// What this site holds; `asking`: what it tells peers it holds (see above).
    static func load(_ db: Database, asking: Bool = false) throws -> VersionVector {
        var sequences: [SiteID: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, seq FROM version_vector") {
            sequences[try SiteID(row["origin"])] = row["seq"]
        }
        let clock = try Row.fetchOne(db, sql: """
            SELECT site_id, last_seq, EXISTS (SELECT 1 FROM recovery_peers) AS recovering FROM sync_clock
            """)
        if let clock, let own = try? SiteID(clock["site_id"]), let last: Int64 = clock["last_seq"], last > 0,
           !(asking && clock["recovering"]) {
            sequences[own] = max(sequences[own] ?? VersionVector.nothing, last)
        }
        return VersionVector(sequences)
    }

    /// Rewrites the knowledge the triggers give this site's next writes: its vector, own origin excluded.
    static func refreshKnowledge(_ db: Database, site: SiteID) throws {
        var vector = try load(db)
        vector = VersionVector(vector.sequences.filter { $0.key != site })
        try db.cachedStatement(sql: "UPDATE sync_clock SET seen = ?").execute(arguments: [vector.text])
    }
}
