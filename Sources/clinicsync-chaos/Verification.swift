import Foundation

/// The invariants checked once every fault is healed and the sites have synced until quiet.
struct Verification {
    struct LogEntry {
        let table: String
        let row: String
        let column: String?
        let value: String?
        let stamp: (Int64, String)
        let base: (Int64, String)?
    }

    /// 1. identical digests, 3. equal change-log counts, 4. `check` passes, at every site.
    static func sitesAgree(_ sites: [ChaosSite]) throws -> [String] {
        var failures: [String] = []
        var digests: [String: String] = [:]
        var counts: [String: Int] = [:]
        for site in sites {
            let check = try site.run(["check", "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any] ?? [:]
            if check.status != 0 { failures.append("check failed at \(site.name): \(report["problems"] ?? check.errors)") }
            digests[site.name] = report["digest"] as? String
            let status = try JSONSerialization.jsonObject(with: Data(site.run(["status", "--json"]).output.utf8)) as? [String: Any]
            counts[site.name] = status?["change_log_entries"] as? Int
        }
        if Set(digests.values).count != 1 { failures.append("sites differ: \(digests.sorted { $0.key < $1.key })") }
        if Set(counts.values).count != 1 { failures.append("change-log counts differ (a change applied twice or missing): \(counts)") }
        return failures
    }

    /// 2. every acknowledged write is in the final state, or was overwritten by a write that had
    /// seen it, or was overwritten concurrently and the conflict journal records it.
    static func acknowledgedWritesSurvive(_ ledger: Ledger, at site: ChaosSite) throws -> [String] {
        let changesJSON = try JSONSerialization.jsonObject(with: Data(site.run(["changes", "--json", "--limit", "10000000"]).output.utf8)) as? [[String: Any]] ?? []
        let conflictsJSON = try JSONSerialization.jsonObject(with: Data(site.run(["conflicts", "--json"]).output.utf8)) as? [[String: Any]] ?? []
        func text(_ value: Any?) -> String? {
            switch value {
            case let number as NSNumber: return number.stringValue
            case let string as String: return string
            default: return nil
            }
        }
        let entries = changesJSON.map { entry in
            LogEntry(
                table: entry["table"] as? String ?? "", row: entry["row_id"] as? String ?? "", column: entry["column"] as? String,
                value: text(entry["value"]), stamp: ((entry["hlc"] as? NSNumber)?.int64Value ?? 0, entry["origin"] as? String ?? ""),
                base: (entry["base_hlc"] as? NSNumber).map { ($0.int64Value, entry["base_origin"] as? String ?? "") })
        }
        let journaled = Set(conflictsJSON.map { "\($0["row_id"] ?? "")|\($0["column"] ?? "")|\($0["loser_hlc"] ?? "")|\($0["loser_origin"] ?? "")" })
        let byCell = Dictionary(grouping: entries.filter { $0.column != nil }) { "\($0.table)|\($0.row)|\($0.column!)" }
        let deletes = Dictionary(grouping: entries.filter { $0.column == nil }) { "\($0.table)|\($0.row)" }
        var failures: [String] = []
        for write in ledger.writes {
            let cell = byCell["\(write.table)|\(write.row)|\(write.column)"] ?? []
            let candidates = cell.filter { $0.value == write.value }
            guard !candidates.isEmpty else {
                failures.append("acknowledged write missing from the change log: \(write)")
                continue
            }
            let newest = cell.map(\.stamp).max { $0 < $1 }
            let rowDeletes = deletes["\(write.table)|\(write.row)"] ?? []
            let survived = candidates.contains { entry in
                let seenAndReplaced = cell.contains { $0.base.map { $0 >= entry.stamp } ?? false }
                    || rowDeletes.contains { $0.base.map { $0 >= entry.stamp } ?? false }
                let journaledLoss = journaled.contains("\(write.row)|\(write.column)|\(entry.stamp.0)|\(entry.stamp.1)")
                // A deleted row's values are gone from the table: they survive only as knowingly
                // deleted or in the journal.
                if !rowDeletes.isEmpty { return seenAndReplaced || journaledLoss }
                return entry.stamp == newest! || seenAndReplaced || journaledLoss
            }
            if !survived { failures.append("acknowledged write lost without a journal entry: \(write)") }
        }
        return failures
    }
}
