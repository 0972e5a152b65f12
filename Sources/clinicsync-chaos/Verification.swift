import ClinicSyncCore
import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation

/// The invariants checked once every fault is healed and the sites have synced until quiet.
struct Verification {
    /// A change-log entry as `changes --json` prints it.
    struct LogEntry {
        let table: String
        let row: String
        /// The columns written and their values as text (`nil`: NULL); `nil` for a delete.
        let values: [String: String?]?
        let origin: String
        let sequence: Int64
        let timestamp: Int64
        /// What the origin had seen: origin to sequence number (version-2 entries).
        let seen: [String: Int64]?
        /// The version replaced, `hlc@origin`-style as printed (migrated version-1 entries).
        let base: (Int64, String)?

        /// Whether this entry was made by a site that had seen `earlier`.
        func saw(_ earlier: LogEntry) -> Bool {
            if origin == earlier.origin {
                // A restored site numbers from a higher block of 2^32; what it had seen of its own
                // lower blocks (its lost disk's changes) its knowledge names.
                if earlier.sequence >> 32 < sequence >> 32, let own = seen?[origin] { return earlier.sequence <= own }
                return earlier.sequence < sequence
            }
            if let seen { return (seen[earlier.origin] ?? .min) >= earlier.sequence }
            guard let base else { return false }
            return (base.0, base.1) >= (earlier.timestamp, earlier.origin)
        }
    }

    /// 1. identical digests, 3. every site holds the same changes of every origin (nothing applied
    /// twice or missing; compaction makes the logs' lengths differ), 4. `check` passes, at every site.
    static func sitesAgree(_ sites: [ChaosSite]) throws -> [String] {
        var failures: [String] = []
        var digests: [String: String] = [:]
        var holdings: [String: [String: Int64]] = [:]
        var deleted: [String: [DeletedRowView]] = [:]
        for site in sites {
            deleted[site.name] = try site.commands.decode([DeletedRowView].self, ["deleted", "list", "--json"])
            let check = try site.commands.runDecoding(CheckResult.self, ["check", "--json"])
            if check.result.status != 0 {
                failures.append("check failed at \(site.name): \(check.output?.problems.joined(separator: "; ") ?? check.result.stderr)")
            } else if check.output == nil {
                failures.append("check at \(site.name) printed no report: \(check.result.stdout.prefix(500))")
            }
            digests[site.name] = check.output?.digest
            holdings[site.name] = try site.status().holds
        }
        if Set(digests.values).count != 1 { failures.append("sites differ: \(digests.sorted { $0.key < $1.key })") }
        if Set(holdings.values).count != 1 { failures.append("sites hold different changes (one missing or applied twice): \(holdings)") }
        if let first = deleted.values.first, !deleted.values.allSatisfy({ $0 == first }) {
            failures.append("sites list different deleted rows: \(deleted.sorted { $0.key < $1.key })")
        }
        return failures
    }

    /// 5. no daemon's watchdog pings were more than a second apart, and no write transaction of a
    /// daemon held up the database for more than a second (the daemon logs each).
    static func nothingStalled(_ sites: [ChaosSite]) -> [String] {
        var failures: [String] = []
        for site in sites {
            let gaps = site.watchdog.gaps(over: .seconds(1))
            if let longest = gaps.max() { failures.append("\(gaps.count) watchdog gap(s) over 1 s at \(site.name), the longest \(longest)") }
            let log = (try? String(contentsOfFile: site.directory + "/serve.log", encoding: .utf8)) ?? ""
            let slow = log.split(separator: "\n").filter { $0.contains("slow write transaction") }
            if !slow.isEmpty {
                failures.append("\(slow.count) write transaction(s) over 1 s at \(site.name): \(slow.prefix(3).joined(separator: " | "))")
            }
        }
        return failures
    }

    /// 2. every acknowledged write is in the final state, or was overwritten by a write that had
    /// seen it, or was overwritten concurrently and the conflict journal records it.
    static func acknowledgedWritesSurvive(_ ledger: Ledger, at site: ChaosSite) throws -> [String] {
        let changes = try site.commands.decode([ChangeView].self, ["changes", "--json", "--limit", "10000000"])
        let conflicts = try site.commands.decode([ConflictView].self, ["conflicts", "--json"])
        func text(_ value: FieldValueView) -> String? {
            switch value.value {
            case .null: return nil
            case let .integer(number): return String(number)
            case let .text(text): return text
            }
        }
        let entries = changes.map { entry in
            let values = entry.values.map { $0.mapValues { text($0) } }
            let seen = entry.seen.map { text in
                Dictionary(
                    text.split(separator: ",").compactMap { pair -> (String, Int64)? in
                        let parts = pair.split(separator: "=")
                        guard parts.count == 2, let number = Int64(parts[1]) else { return nil }
                        return (String(parts[0]), number)
                    }, uniquingKeysWith: max)
            }
            let base = entry.base.flatMap { text -> (Int64, String)? in
                // `milliseconds.counter@origin`, as HybridTimestamp and WriteStamp print it.
                let parts = text.split(separator: "@")
                let clock = parts.first?.split(separator: ".") ?? []
                guard parts.count == 2, clock.count == 2, let milliseconds = Int64(clock[0]), let counter = Int64(clock[1]) else { return nil }
                return (milliseconds << 16 | counter, String(parts[1]))
            }
            return LogEntry(
                table: entry.table, row: entry.rowID, values: values, origin: entry.origin, sequence: entry.sequence, timestamp: entry.hlc,
                seen: seen, base: base)
        }
        let journaled = Set(conflicts.map { "\($0.rowID)|\($0.column)|\($0.loserSequence)|\($0.loserOrigin)" })
        let byRow = Dictionary(grouping: entries) { "\($0.table)|\($0.row)" }
        var failures: [String] = []
        let byIdentity = Dictionary(entries.map { ("\($0.origin)#\($0.sequence)", $0) }) { first, _ in first }
        for write in ledger.writes {
            let rowEntries = byRow["\(write.table)|\(write.row)"] ?? []
            let cell = rowEntries.filter { $0.values?.keys.contains(write.column) ?? false }
            let rowDeletes = rowEntries.filter { $0.values == nil }
            guard let sequence = write.sequence else {
                failures.append("acknowledged write without a sequence number: \(write)")
                continue
            }
            guard let entry = byIdentity["\(write.site)#\(sequence)"] else {
                // Compacted. Allowed only for a value that a later write of the field, or the row's
                // delete, replaced knowingly: a value lost unseen is journaled, and journaled
                // entries are never compacted.
                let stub = LogEntry(
                    table: write.table, row: write.row, values: nil, origin: write.site, sequence: sequence,
                    timestamp: 0, seen: nil, base: nil)
                if !(cell.contains { $0.saw(stub) } || rowDeletes.contains { $0.saw(stub) }) {
                    failures.append("acknowledged write compacted although nothing that had seen it replaced it: \(write)")
                }
                continue
            }
            guard entry.values?[write.column] == .some(write.value) else {
                failures.append("acknowledged write recorded with another value or row: \(write)")
                continue
            }
            let newest = cell.max { ($0.timestamp, $0.origin, $0.sequence) < ($1.timestamp, $1.origin, $1.sequence) }
            let seenAndReplaced = cell.contains { $0.saw(entry) } || rowDeletes.contains { $0.saw(entry) }
            let journaledLoss = journaled.contains("\(write.row)|\(write.column)|\(entry.sequence)|\(entry.origin)")
            // A deleted row's values are gone from the table: they survive only as knowingly
            // deleted or in the journal.
            let survived =
                rowDeletes.isEmpty
                ? (entry.origin, entry.sequence) == (newest!.origin, newest!.sequence) || seenAndReplaced || journaledLoss
                : seenAndReplaced || journaledLoss
            if !survived { failures.append("acknowledged write lost without a journal entry: \(write)") }
        }
        return failures
    }
}
