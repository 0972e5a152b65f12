import ClinicSyncCore

/// An in-memory site that follows ``MergeRules`` exactly as the SQLite store does, so the rules can
/// be checked over thousands of random histories without I/O.
struct ReplicaModel {
    struct CellKey: Hashable, Comparable {
        let table: SyncedTable
        let row: RowID
        let column: String
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.table.rawValue, lhs.row, lhs.column) < (rhs.table.rawValue, rhs.row, rhs.column)
        }
    }

    struct RowKey: Hashable {
        let table: SyncedTable
        let row: RowID
    }

    /// Everything that must be identical at every site once all changes are delivered.
    struct State: Equatable {
        var visible: [CellKey: FieldValue]
        var deleted: [RowKey: WriteStamp]
        var journal: [ConflictKey: ConflictRecord]
    }

    struct ConflictKey: Hashable {
        let cell: CellKey
        let loser: WriteStamp
    }

    let site: SiteID
    var clock = HybridLogicalClock()
    private(set) var log: [Change] = []
    private var seen: Set<WriteStamp> = []
    private var cells: [CellKey: (stamp: WriteStamp, value: FieldValue)] = [:]
    private var tombstones: [RowKey: WriteStamp] = [:]
    private var journal: [ConflictKey: ConflictRecord] = [:]

    init(site: SiteID) {
        self.site = site
    }

    func isDeleted(_ table: SyncedTable, _ row: RowID) -> Bool { tombstones[RowKey(table: table, row: row)] != nil }

    /// A local write of one field; refused (returns `nil`) on a deleted row, as the store refuses it.
    @discardableResult
    mutating func write(_ column: SyncedColumn, of row: RowID, _ value: FieldValue, now: UInt64) -> Change? {
        guard !isDeleted(column.table, row) else { return nil }
        let key = CellKey(table: column.table, row: row, column: column.name)
        let change = Change(
            table: column.table, rowID: row, operation: .set(column: column, value: value),
            stamp: WriteStamp(clock.next(wallClock: now), site), base: cells[key]?.stamp)
        receive(change)
        return change
    }

    /// A local delete; its base is the greatest version of any of the row's fields.
    @discardableResult
    mutating func delete(_ table: SyncedTable, _ row: RowID, now: UInt64) -> Change? {
        guard !isDeleted(table, row) else { return nil }
        let base = cells.filter { $0.key.table == table && $0.key.row == row }.map(\.value.stamp).max()
        let change = Change(table: table, rowID: row, operation: .delete, stamp: WriteStamp(clock.next(wallClock: now), site), base: base)
        receive(change)
        return change
    }

    /// Merges a change from any site (including this one's own, which is then a duplicate).
    mutating func receive(_ change: Change) {
        guard seen.insert(change.stamp).inserted else { return }
        let related = log.filter { $0.table == change.table && $0.rowID == change.rowID }
        for record in MergeRules.conflicts(of: change, with: related) {
            let key = ConflictKey(
                cell: CellKey(table: record.loser.table, row: record.loser.rowID, column: record.loser.column!.name),
                loser: record.loser.stamp)
            if let held = journal[key], !record.preferred(over: held) { continue }
            journal[key] = record
        }
        log.append(change)
        try? clock.witness(change.stamp.timestamp, from: change.stamp.origin, wallClock: .max)
        switch change.operation {
        case let .set(column, value):
            let key = CellKey(table: change.table, row: change.rowID, column: column.name)
            if MergeRules.replaces(change.stamp, current: cells[key]?.stamp) {
                cells[key] = (change.stamp, value)
            }
        case .delete:
            let key = RowKey(table: change.table, row: change.rowID)
            tombstones[key] = min(tombstones[key] ?? change.stamp, change.stamp)
        }
    }

    var state: State {
        let visible = cells.filter { tombstones[RowKey(table: $0.key.table, row: $0.key.row)] == nil }.mapValues(\.value)
        return State(visible: visible, deleted: tombstones, journal: journal)
    }
}
