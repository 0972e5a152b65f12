import Foundation

// The store's performance targets (change-log v2 issue), each figure beside a baseline measured in
// the same run. `swift run -c release clinicsync-benchmarks [rows] [compaction-rows]`; the
// defaults are the targets' sizes. `make bench` runs it; sync throughput is scripts/bench-sync.sh.
let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
// A third argument picks sections: e.g. `apply,compaction` (default: all).
let sections = Set((CommandLine.arguments.dropFirst(3).first ?? "capture,apply,compaction").split(separator: ",").map(String.init))
let rows = arguments.first ?? 100_000
let compactionRows = arguments.dropFirst().first ?? 100_000
let directory = NSTemporaryDirectory() + "clinicsync-bench-" + UUID().uuidString.lowercased()
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

print("clinicsync benchmarks: \(rows) rows; compaction of \(compactionRows) rows x 10 entries")
if sections.contains("capture") { try CaptureBenchmark(directory: directory, rows: rows).run() }
if sections.contains("apply") { try ApplyBenchmark(directory: directory, rows: rows).run() }
if sections.contains("compaction") { try CompactionBenchmark(directory: directory, rows: compactionRows, updatesPerRow: 9).run() }
