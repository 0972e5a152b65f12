import ClinicSyncCore
import PropertyBased

/// Random multi-site histories: sites edit a few shared rows (so conflicts are frequent) while
/// their wall clocks skew and step back, and deliver changes to each other partially and late.
struct HistoryGenerator {
    var random: Xoshiro

    init(seed: UInt64) {
        random = Xoshiro(seed: (seed, seed ^ 0x9E37_79B9_7F4A_7C15, ~seed, seed &* 31 &+ 7))
    }

    static let rows: [RowID] = (1...4).map { try! RowID("00000000-0000-4000-8000-00000000000\($0)") }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func value(for column: SyncedColumn) -> FieldValue {
        if int(0...9) == 0 { return .null }
        if let allowed = column.allowedValues { return .text(allowed.randomElement(using: &random)!) }
        switch column.type {
        case .integer: return .integer(Int64(int(0...5)))
        case .boolean: return .integer(Int64(int(0...1)))
        case .text: return .text(["a", "b", "c", "d"].randomElement(using: &random)!)
        }
    }

    /// Runs `steps` random local writes and partial deliveries over `replicas`.
    mutating func run(_ replicas: inout [ReplicaModel], steps: Int) {
        var wallClocks = replicas.map { _ in UInt64(1_700_000_000_000) }
        for _ in 0..<steps {
            let index = int(0...(replicas.count - 1))
            // Clocks drift, jump ahead, and sometimes step back.
            wallClocks[index] = UInt64(max(0, Int(wallClocks[index]) + int(-20...60)))
            let now = wallClocks[index]
            let table = SyncedTable.allCases[int(0...(SyncedTable.allCases.count - 1))]
            let row = Self.rows[int(0...(Self.rows.count - 1))]
            switch int(0...19) {
            case 0:
                replicas[index].delete(table, row, now: now)
            case 1...12:
                // One to three of the first four columns, as one row write (an insert or an update).
                var columns: [SyncedColumn] = []
                for _ in 0..<int(1...3) {
                    let column = table.columns[int(0...3)]
                    if !columns.contains(column) { columns.append(column) }
                }
                replicas[index].write(columns.map { ColumnValue($0, value(for: $0)) }, of: row, now: now)
            default:
                let target = int(0...(replicas.count - 1))
                let source = replicas[index].log
                for change in source where int(0...2) > 0 { replicas[target].receive(change) }
            }
        }
    }
}
