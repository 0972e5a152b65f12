package import ClinicSyncCore
import Foundation
import GRDB

/// What a restore did.
package struct RestoreOutcome: Sendable, Equatable {
    /// Where the database that was replaced now lies (`nil` if there was none).
    package let replacedDatabase: String?
    /// This site's last change number in the backup (a version-1 backup's numbers lie below this
    /// version's: 0, or the number of unstamped writes it kept).
    package let backupSequence: Int64
    /// The number the site's next change gets: far past any it may have given after the backup.
    package let nextSequence: Int64
    /// The peers it recovers its later changes from.
    package let recoveringFrom: [SiteID]
}

extension SiteStore {
    /// How far a restored site's numbering jumps: more changes than one site could ever have made
    /// between a backup and its loss, so no number is given twice.
    static let restoreJump = Change.numberingBlockSize

    /// Puts `backup` (a copy made by ``backup(to:)``) in place of the database at `path`, keeping the
    /// replaced file beside it, and prepares the site to recover from `peers` every change it made
    /// after the backup: its numbering jumps past any number it may have given, its clock does not
    /// go back, and until it has synced with each of them it asks for its own changes too.
    ///
    /// A backup holding changes of this site stamped beyond twice the drift bound ahead of the wall
    /// clock (what `clock recover` re-stamps) is refused unless `keepingFastChanges`: if a recovery
    /// ran after the backup, peers hold those changes with other stamps. A version-1 backup holding
    /// writes by other programs that version 1 had not stamped is refused unless
    /// `keepingUnstampedWrites` (the lost site never ran this version): upgrading numbers them as
    /// this version's first changes, which a lost disk that ran it numbered too.
    package static func restore(
        from backup: String, to path: String, siteID: SiteID, recoveringFrom peers: [SiteID],
        wallClock: any WallClock = SystemWallClock(), maximumDrift: Milliseconds = .defaultMaximumDrift,
        keepingFastChanges: Bool = false, keepingUnstampedWrites: Bool = false
    ) throws(StoreError) -> RestoreOutcome {
        guard FileManager.default.fileExists(atPath: backup) else {
            throw .database(path: backup, message: "no such backup file")
        }
        let (lead, unstamped) = try checkBackup(backup, siteID: siteID, now: wallClock.nowMilliseconds())
        let replacedRanThisVersion = unstamped > 0 && ranVersionTwo(path)
        if unstamped > 0 && (!keepingUnstampedWrites || replacedRanThisVersion) {
            throw .backupHoldsUnstampedWrites(path: backup, count: unstamped, replacedRanThisVersion: replacedRanThisVersion)
        }
        if lead.value > 2 * maximumDrift.value && !keepingFastChanges {
            throw .backupHoldsFastChanges(path: backup, lead: lead)
        }
        let replacedSequence = lastSequence(in: path)
        // A backup made before databases had incarnations would get a new one when it is migrated,
        // which peers would take for a second database; it has none instead (peers check nothing).
        let predatesIncarnations = incarnation(in: backup) == nil
        let replaced = try moveAside(path)
        try StoreError.mapping(path: path) {
            var readOnly = Configuration()
            readOnly.readonly = true
            let source = try DatabaseQueue(path: backup, configuration: readOnly)
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            let target = try DatabaseQueue(path: path)
            try source.backup(to: target)
            try target.close()
            try source.close()
        }
        let store = try open(path: path, siteID: siteID, wallClock: wallClock, maximumDrift: maximumDrift)
        if predatesIncarnations {
            try StoreError.mapping(path: path) {
                try store.pool.write { db in try db.execute(sql: "UPDATE site_identity SET incarnation = NULL") }
            }
        }
        let (backupSequence, nextSequence) = try store.beginRecovery(from: peers, numberedAtLeast: replacedSequence)
        return RestoreOutcome(
            replacedDatabase: replaced, backupSequence: backupSequence, nextSequence: nextSequence, recoveringFrom: peers.sorted())
    }

    /// Refuses a file that is not an intact ClinicSync database of this site; returns how far its
    /// newest change of this site is stamped ahead of `now` (0 if not ahead), and how many
    /// version-1 entries it holds unstamped.
    private static func checkBackup(_ backup: String, siteID: SiteID, now: UInt64) throws(StoreError) -> (lead: Milliseconds, unstamped: Int) {
        let (owner, newest, unstamped): (String?, Int64?, Int) = try StoreError.mapping(path: backup) {
            var readOnly = Configuration()
            readOnly.readonly = true
            let queue = try DatabaseQueue(path: backup, configuration: readOnly)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("site_identity") else { return (nil, nil, 0) }
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else {
                    throw StoreError.database(path: backup, message: "the backup is damaged (SQLite integrity check failed); choose another")
                }
                let owner = try String.fetchOne(db, sql: "SELECT site_id FROM site_identity")
                let newest =
                    try db.tableExists("change_log") && db.columns(in: "change_log").contains { $0.name == "origin" }
                    ? try Int64.fetchOne(db, sql: "SELECT MAX(hlc) FROM change_log WHERE origin = ?", arguments: [owner]) : nil
                // Version 1 left writes by other programs unstamped (hlc NULL) until its next transaction.
                let unstamped =
                    try !db.tableExists("sync_clock") && db.tableExists("change_log")
                    ? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change_log WHERE hlc IS NULL") ?? 0 : 0
                return (owner, newest, unstamped)
            }
        }
        guard let owner else {
            throw .database(path: backup, message: "not a ClinicSync database (no site identity); choose a file made by `clinicsync backup`")
        }
        guard owner == siteID.rawValue else {
            throw .siteMismatch(path: backup, database: (try? SiteID(owner)) ?? siteID, configured: siteID)
        }
        let milliseconds = newest.flatMap(HybridTimestamp.init(rawValue:))?.milliseconds ?? 0
        return (Milliseconds(milliseconds > now ? milliseconds - now : 0), unstamped)
    }

    /// Renames the database (and its WAL files) to `<path>.replaced-<time>`; returns the new name.
    private static func moveAside(_ path: String) throws(StoreError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let stamp = UTCDateTime(secondsSinceEpoch: Int(Date().timeIntervalSince1970)).description
            .replacingOccurrences(of: ":", with: "")
        var kept = "\(path).replaced-\(stamp)"
        var attempt = 1
        while FileManager.default.fileExists(atPath: kept) {
            attempt += 1
            kept = "\(path).replaced-\(stamp)-\(attempt)"
        }
        do {
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: kept + suffix)
            }
        } catch {
            throw .database(path: path, message: "cannot move the current database aside: \(error.localizedDescription)")
        }
        return kept
    }

    /// Whether the database at `path` exists and was upgraded past version 1 (it numbers changes
    /// per site, as this version does).
    private static func ranVersionTwo(_ path: String) -> Bool {
        peek(path) { db in try db.tableExists("sync_clock") } ?? FileManager.default.fileExists(atPath: path)
    }

    /// Reads the database at `path` read-only, if there is one that can be read; `nil` otherwise.
    private static func peek<T>(_ path: String, _ body: (Database) throws -> T?) -> T? {
        var readOnly = Configuration()
        readOnly.readonly = true
        guard FileManager.default.fileExists(atPath: path), let queue = try? DatabaseQueue(path: path, configuration: readOnly) else { return nil }
        defer { try? queue.close() }
        return (try? queue.read(body)) ?? nil
    }

    /// The incarnation of the database at `path`, if it has one.
    private static func incarnation(in path: String) -> String? {
        peek(path) { db in
            guard try db.columns(in: "site_identity").contains(where: { $0.name == "incarnation" }) else { return nil }
            return try String.fetchOne(db, sql: "SELECT incarnation FROM site_identity")
        }
    }

    /// The greatest number the database at `path` gave or holds of its own site, if it can be read
    /// (a second restore must not reuse the numbers the first one's writes took).
    private static func lastSequence(in path: String) -> Int64 {
        peek(path) { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MAX(last_seq, COALESCE((SELECT seq FROM version_vector WHERE origin = sync_clock.site_id), 0)) FROM sync_clock
                    """)
        } ?? 0
    }

    /// Jumps the numbering past anything given before, moves the clock ahead of any timestamp the
    /// lost changes can carry, and lists the peers to recover from.
    private func beginRecovery(from peers: [SiteID], numberedAtLeast replaced: Int64) throws(StoreError) -> (Int64, Int64) {
        try write { transaction in
            let db = transaction.db
            let last = try Int64.fetchOne(db, sql: "SELECT last_seq FROM sync_clock") ?? 0
            let held = try VersionVectorTable.load(db)[siteID]
            // The first number of the block after the one the lost disk was numbering in (it gave at
            // most `max + 1`, and more in that block): every new number lies in a block of its own.
            let next = (Change.numberingBlock(of: max(last, held, replaced) + 1) + 1) * Self.restoreJump
            // The last number the backup's site issued: `last_seq` also counts the numbers an earlier
            // restore reserved, which no change has (a site claiming them would never agree with
            // its peers on what it holds).
            let row = try Int64.fetchOne(db, sql: "SELECT seq FROM version_vector WHERE origin = ?", arguments: [siteID.rawValue])
            let logged = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM change_log WHERE origin = ?", arguments: [siteID.rawValue])
            // A chain ending at 0 issued nothing: a version-1 backup's row is a legacy number (below 0),
            // and raising it to 0 would claim the legacy changes its lost disk made after it.
            let sealed = try ChainTables.sealedThrough(db, siteID)
            let backupSequence = max(row ?? .min, logged ?? .min, sealed > 0 ? sealed : .min)
            // A backup taken while the site still recovered from an earlier restore lacks some of
            // the changes that earlier disk made: it holds its own lower blocks only as far as its
            // row says, so it asks for the rest again and its writes do not claim to have seen them.
            let backupWasRecovering = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM recovery_peers)") ?? false
            if !backupWasRecovering && backupSequence > .min { try VersionVectorTable.advance(db, siteID, to: backupSequence) }
            try db.execute(sql: "UPDATE sync_clock SET last_seq = ?", arguments: [next - 1])
            // Its next writes have not seen what the lost disk made after the backup.
            try VersionVectorTable.refreshKnowledge(db, site: siteID)
            // The lost changes may carry timestamps ahead of the wall clock (witnessed from a peer
            // whose clock ran ahead): new writes start half the drift bound ahead, past any such lead
            // short of that, yet still accepted by peers whose clocks are within it. Saved on commit.
            _ = transaction.clock.next(wallClock: transaction.now + maximumDrift.value / 2)
            // What the lost state held back is judged afresh as it arrives again: a hold recorded
            // in the backup may name a change its origin has since re-stamped (`clock recover`).
            try db.execute(sql: "DELETE FROM held_origins")
            try db.execute(sql: "DELETE FROM recovery_peers")
            for peer in peers {
                try db.execute(sql: "INSERT INTO recovery_peers (peer) VALUES (?)", arguments: [peer.rawValue])
            }
            return (max(backupSequence, 0), next)
        }
    }

    /// Records a completed sync with `peer`: it holds nothing more of this site's own changes to
    /// send back. Peers no longer configured are not waited for.
    package func recovered(from peer: SiteID, configuredPeers: [SiteID]) throws(StoreError) {
        try StoreError.mapping(path: path) {
            try timedWrite { db in
                try db.execute(sql: "DELETE FROM recovery_peers WHERE peer = ?", arguments: [peer.rawValue])
                let configured = configuredPeers.map(\.rawValue)
                for waiting in try String.fetchAll(db, sql: "SELECT peer FROM recovery_peers") where !configured.contains(waiting) {
                    try db.execute(sql: "DELETE FROM recovery_peers WHERE peer = ?", arguments: [waiting])
                }
            }
        }
    }

    /// A restored site has recovered from a peer whose own report says it holds none of this site's
    /// changes beyond what this site has got back: a peer that calls in (one behind NAT, which this
    /// site cannot call) counts too, once it has pushed them.
    static func recovered(_ db: Database, from report: FleetReport, site: SiteID) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM recovery_peers WHERE peer = ?)", arguments: [report.site.rawValue])!,
            report.vector[site] <= (try VersionVectorTable.load(db, asking: true))[site]
        else { return }
        try db.execute(sql: "DELETE FROM recovery_peers WHERE peer = ?", arguments: [report.site.rawValue])
    }

    /// The peers this site still has to sync with to recover the changes it made after a restored
    /// backup; empty when it is not recovering.
    package func recoveringFrom() throws(StoreError) -> [SiteID] {
        try read { db in try String.fetchAll(db, sql: "SELECT peer FROM recovery_peers ORDER BY peer").map { try SiteID($0) } }
    }
}
