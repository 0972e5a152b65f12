import ClinicSyncCore
import Foundation

/// A change feed held in memory: what the sync layer needs of a store (a version vector, the
/// changes a vector lacks, applying a batch, fleet reports), without SQLite, signatures or merge
/// rules, so the protocol is tested on its own. Changes are kept per origin in sequence order; a
/// change already held is a duplicate.
actor MemoryChangeFeed: ChangeFeed {
    nonisolated let siteID: SiteID
    private var held: [SiteID: [Int64: Change]] = [:]
    private var clock: Int64 = 0
    private(set) var learned: [FleetReport] = []
    private(set) var appliedBatches = 0

    init(_ site: String) {
        siteID = try! SiteID(site)
    }

    /// Writes `count` new changes of this site (each a new appointment's notes).
    func write(_ count: Int) {
        for _ in 0..<count {
            clock += 1
            let sequence = Int64((held[siteID] ?? [:]).count) + 1
            let change = Change(
                table: .appointments, rowID: try! RowID("00000000-0000-4000-8000-\(String(format: "%012d", clock))"),
                operation: .write([ColumnValue(SyncedTable.appointments.column(named: "notes")!, .text("note \(clock)"))]),
                origin: siteID, sequence: sequence, timestamp: HybridTimestamp(milliseconds: 1_800_000_000_000 + UInt64(clock), counter: 0),
                knowledge: .vector(VersionVector()))
            held[siteID, default: [:]][sequence] = change
        }
    }

    /// Every change held, in (origin, sequence) order.
    var all: [Change] {
        held.keys.sorted().flatMap { origin in held[origin]!.keys.sorted().map { held[origin]![$0]! } }
    }

    /// Per origin, the last number held with none missing below it.
    func versionVector() -> VersionVector {
        VersionVector(
            held.mapValues { changes in
                var last: Int64 = 0
                while changes[last + 1] != nil { last += 1 }
                return last
            })
    }

    func changes(missingFrom vector: VersionVector, limit: Int) -> ChangeBatch {
        let missing = all.filter { !vector.holds($0.origin, $0.sequence) }
        let sent = Array(missing.prefix(limit))
        let complete = sent.count == missing.count
        let through =
            complete
            ? versionVector()
            : VersionVector(versionVector().sequences.filter { origin, _ in !missing.dropFirst(limit).contains { $0.origin == origin } })
        return ChangeBatch(changes: sent, through: through, isComplete: complete)
    }

    func apply(_ batch: ChangeBatch) -> ApplyOutcome {
        appliedBatches += 1
        var outcome = ApplyOutcome()
        for change in batch.changes {
            if held[change.origin]?[change.sequence] != nil {
                outcome.duplicates += 1
            } else {
                held[change.origin, default: [:]][change.sequence] = change
                outcome.applied += 1
            }
        }
        return outcome
    }

    func fleet() -> [FleetReport] {
        [
            FleetReport(
                site: siteID, vector: versionVector(), peers: [], at: HybridTimestamp(milliseconds: 1_800_000_000_000 + UInt64(clock), counter: 0))
        ]
    }

    func learn(_ reports: [FleetReport], from sender: SiteID) -> IdentityConflict? {
        learned += reports
        return nil
    }
}
