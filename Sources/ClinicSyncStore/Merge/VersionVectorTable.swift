import ClinicSyncCore
import GRDB

/// Reads and raises the `version_vector` table, kept in step with the change log by every
/// transaction that applies changes. This site's own number is the greater of its row here (its
/// changes from before version 2, or recovered from peers) and `sync_clock.last_seq`, which the
/// capture triggers advance. While it recovers from a restore, the vector it *asks* with counts only
/// its row, and no further than its sealed chain, so that peers send back the changes it made after
/// the backup and the groups they were sealed in.
enum VersionVectorTable {
    static func advance(_ db: Database, _ origin: SiteID, to sequence: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO version_vector (origin, seq) VALUES (?, ?)
                ON CONFLICT (origin) DO UPDATE SET seq = MAX(seq, excluded.seq)
                """
        ).execute(arguments: [origin.rawValue, sequence])
    }

    /// What this site holds; `asking`: what it tells peers it holds (see above).
    static func load(_ db: Database, asking: Bool = false) throws -> VersionVector {
        var sequences: [SiteID: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, seq FROM version_vector") {
            sequences[try SiteID(row["origin"])] = row["seq"]
        }
        // The chain's end and the last own entry matter only to what the site tells peers.
        let clock = try Row.fetchOne(
            db,
            sql: asking
                ? """
                SELECT site_id, last_seq, EXISTS (SELECT 1 FROM recovery_peers) AS recovering,
                       COALESCE((SELECT MAX(last) FROM chain_groups WHERE origin = site_id), chain_genesis - 1) AS sealed,
                       (SELECT MAX(seq) FROM change_log WHERE origin = site_id) AS logged
                FROM sync_clock
                """ : "SELECT site_id, last_seq FROM sync_clock")
        guard let clock, let own = try? SiteID(clock["site_id"]) else { return VersionVector(sequences) }
        if asking && clock["recovering"] {
            // A restored site asks for its own changes from the end of its chain too: its peers then
            // send back the groups its backup's unsealed changes were sealed in, with those changes.
            if let held = sequences[own] { sequences[own] = min(held, clock["sealed"]) }
        } else if let last: Int64 = clock["last_seq"], last > 0 {
            // What it tells peers stops at the last number it issued: after a restore, `last_seq`
            // also reserves the numbers the lost disk may have used, which no chain carries.
            let issued = asking ? min(last, max(clock["sealed"] as Int64, clock["logged"] as Int64? ?? VersionVector.nothing)) : last
            sequences[own] = max(sequences[own] ?? VersionVector.nothing, issued)
        }
        return VersionVector(sequences)
    }

    /// Rewrites the knowledge the triggers give this site's next writes: its vector, own origin
    /// excluded, unless the site was restored (its next number lies in a higher block than the own
    /// changes it holds from before): then its row, how far it holds the changes its lost disk made.
    static func refreshKnowledge(_ db: Database, site: SiteID) throws {
        var sequences = try load(db).sequences
        sequences[site] = nil
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT last_seq, (SELECT seq FROM version_vector WHERE origin = site_id) AS held FROM sync_clock
                """)
        if let row, let held: Int64 = row["held"], let last: Int64 = row["last_seq"],
            Change.numberingBlock(of: last + 1) > max(0, Change.numberingBlock(of: held))
        {
            sequences[site] = held
        }
        try db.cachedStatement(sql: "UPDATE sync_clock SET seen = ?").execute(arguments: [VersionVector(sequences).text])
    }
}
