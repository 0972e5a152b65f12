import ClinicSyncCore
import Foundation
import GRDB

/// The read half of a compaction: which change-log entries of one partition of the rows no site can
/// need any more (see ``SiteStore/compact(configuredPeers:partitionEntries:sweepBatch:)`` for the rule).
///
/// It reads the log once, in key order, on a snapshot (writers are never held up), keeping only
/// stamps and column masks: about 50 bytes per entry. Entries come out in the log's key order,
/// which is the order the sweep deletes them in, so each page of the log is rewritten once per pass
/// rather than once per entry.
struct CompactionMark {
    struct Entry {
        let row: RowKey
        let origin: Int32
        let mask: Int32
        let sequence: Int64
        let stamp: Int64
    }

    /// Origins in text order (the log's key order), indexed by ``Entry/origin``.
    private(set) var origins: [String] = []
    /// The partition's entries in the log's key order.
    private(set) var entries: [Entry] = []
    /// Indices into `entries` of the removable ones, in the log's key order.
    private(set) var removable: [Int] = []

    /// Marks the removable entries of the rows in `partition` (of `partitions`) below `frontier`.
    static func mark(_ db: Database, frontier: VersionVector, partition: Int, of partitions: Int) throws -> CompactionMark {
        var mark = CompactionMark()
        let journaled = try Self.journaled(db)
        var limits: [Int64] = []
        var journaledSequences: [Set<Int64>] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT origin, seq, hlc, cols, tbl, row_id FROM change_log")
        while let row = try rows.next() {
            let key = try row.withUnsafeData(atIndex: 5) { data in
                data.flatMap { data in data.withUnsafeBytes { RowKey(table: row[4], id: $0) } }
            }
            guard let key, key.partition(of: partitions) == partition else { continue }
            let origin: String = row[0]
            if mark.origins.last != origin {
                mark.origins.append(origin)
                let id = try? SiteID(origin)
                limits.append(id.map { frontier[$0] } ?? VersionVector.nothing)
                journaledSequences.append(journaled[origin] ?? [])
            }
            mark.entries.append(Entry(row: key, origin: Int32(mark.origins.count - 1), mask: row[3], sequence: row[1], stamp: row[2]))
        }
        let byRow = mark.entries.indices.sorted { lhs, rhs in
            let left = mark.entries[lhs]
            let right = mark.entries[rhs]
            return (left.row, left.origin, left.sequence) < (right.row, right.origin, right.sequence)
        }
        var flags = [Bool](repeating: false, count: mark.entries.count)
        var start = 0
        while start < byRow.count {
            var end = start + 1
            while end < byRow.count, mark.entries[byRow[end]].row == mark.entries[byRow[start]].row { end += 1 }
            for index in Self.removable(byRow[start..<end], of: mark.entries) {
                let entry = mark.entries[index]
                let origin = Int(entry.origin)
                guard entry.sequence <= limits[origin], !journaledSequences[origin].contains(entry.sequence) else { continue }
                flags[index] = true
            }
            start = end
        }
        mark.removable = flags.indices.filter { flags[$0] }
        return mark
    }

    /// The writes of one row whose values were all replaced by later writes. A deleted row keeps the
    /// writes of its last values (what `deleted list` shows and `deleted restore` re-creates), and
    /// its deletes.
    private static func removable(_ group: ArraySlice<Int>, of entries: [Entry]) -> [Int] {
        guard group.count > 1 else { return [] }
        // Last-writer-wins order (``ChangeOrder``): stamp, origin (in text order, as indexed), sequence.
        var newest = [(stamp: Int64, origin: Int32, sequence: Int64)?](repeating: nil, count: SyncedColumn.maximumPerTable)
        for index in group {
            let entry = entries[index]
            for bit in bits(of: entry.mask) where newest[bit].map({ $0 < (entry.stamp, entry.origin, entry.sequence) }) ?? true {
                newest[bit] = (entry.stamp, entry.origin, entry.sequence)
            }
        }
        return group.filter { index in
            let entry = entries[index]
            return entry.mask != 0
                && bits(of: entry.mask).allSatisfy { bit in newest[bit].map { $0 > (entry.stamp, entry.origin, entry.sequence) } ?? false }
        }
    }

    private static func bits(of mask: Int32) -> [Int] {
        var bits: [Int] = []
        var rest = mask
        while rest != 0 {
            bits.append(rest.trailingZeroBitCount)
            rest &= rest - 1
        }
        return bits
    }

    /// The entries the conflict journal names, as loser or winner: they stay, so the journal can
    /// still be rebuilt at a site that receives them later.
    private static func journaled(_ db: Database) throws -> [String: Set<Int64>] {
        var named: [String: Set<Int64>] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT loser_origin, loser_seq FROM conflicts UNION SELECT winner_origin, winner_seq FROM conflicts
                """)
        while let row = try rows.next() { named[row[0], default: []].insert(row[1]) }
        return named
    }
}
