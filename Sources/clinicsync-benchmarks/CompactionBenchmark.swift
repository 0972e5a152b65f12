import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation
import GRDB

/// Compaction of a log of `rows` inserts and `updatesPerRow` single-field updates per row, every
/// entry acknowledged by the one peer; then the store's size against the plain tables'.
struct CompactionBenchmark {
    let directory: String
    let rows: Int
    let updatesPerRow: Int

    func run() throws {
        let site = try SiteID("north")
        let peer = try SiteID("south")
        let store = try SiteStore.initialize(path: "\(directory)/compact.sqlite", siteID: site).store
        let queue = try CaptureBenchmark.queue(store.path)
        let ids = (0..<rows).map { _ in UUID().uuidString.lowercased() }
        let setup = try Measurement.seconds {
            try queue.write { db in
                let statement = try db.cachedStatement(sql: CaptureBenchmark.insertSQL)
                for (index, id) in ids.enumerated() { try statement.execute(arguments: CaptureBenchmark.arguments(index, id: id)) }
            }
            for round in 0..<updatesPerRow {
                try queue.write { db in try db.execute(sql: "UPDATE appointments SET notes = 'round \(round) ' || id") }
            }
        }
        let entries = try store.changeLogCount()
        Measurement.note("compaction: log built", String(format: "%d entries in %.1f s", entries, setup))
        // A site seals its changes before it serves them, so long before they can be compacted.
        let signer = try SiteKeySigner(rawRepresentation: SiteChainCrypto().sha256(Array("benchmark north".utf8)))
        var sealed = 0
        let sealing = try Measurement.seconds { sealed = try store.seal(using: ChainSealer(crypto: SiteChainCrypto(), signer: signer)) }
        Measurement.note("compaction: log sealed first", String(format: "%d changes in %.1f s (%.0f/s)", sealed, sealing, Double(sealed) / sealing))
        try store.learn([
            FleetReport(
                site: peer, vector: try store.versionVector(), peers: [site],
                at: HybridTimestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0))
        ])
        // The row index is built by clinicsync before it applies (in bounded transactions), not by
        // compaction: timed on its own, so the compaction figure is the worst case (every entry indexed).
        let indexing = try Measurement.seconds { try store.catchUpRowIndex() }
        Measurement.note("compaction: row index caught up", String(format: "%d entries in %.1f s", entries, indexing))
        var outcome = CompactionOutcome()
        let seconds = try Measurement.seconds { outcome = try store.compact(configuredPeers: [peer]) }
        Measurement.note(
            "compaction: \(entries) entries",
            String(
                format:
                    "removed %d in %.2f s total, leaves of emptied groups dropped (target < 10 s); longest transaction %.1f ms (target <= 100 ms)%@",
                outcome.removed, seconds, outcome.longestTransactionSeconds * 1000, outcome.blocked.map { "; held back: \($0)" } ?? ""))

        let plainPath = "\(directory)/compact-plain.sqlite"
        let plain = try CaptureBenchmark.queue(plainPath)
        try plain.write { try $0.execute(sql: CaptureBenchmark.plainTable) }
        try plain.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS site", arguments: [store.path])
            try db.execute(sql: "INSERT INTO main.appointments SELECT * FROM site.appointments")
            try db.execute(sql: "DETACH DATABASE site")
        }
        let storeBytes = try Self.vacuumedSize(queue)
        let plainBytes = try Self.vacuumedSize(plain)
        Measurement.report(
            "compaction: store size after compaction (MB)", value: Double(storeBytes) / 1e6,
            baseline: Double(plainBytes) / 1e6, unit: "MB", target: "ratio <= 2")
        // Where the bytes are (SQLite's dbstat table, when the library has it).
        if let shares = try? queue.read({ db in
            try Row.fetchAll(db, sql: "SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6")
        }) {
            Measurement.note(
                "  largest parts (MB)",
                shares.map { "\($0["name"] as String) \(String(format: "%.1f", Double($0["bytes"] as Int) / 1e6))" }
                    .joined(separator: ", "))
        }
    }

    private static func vacuumedSize(_ queue: DatabaseQueue) throws -> Int {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "VACUUM")
            return try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
    }
}
