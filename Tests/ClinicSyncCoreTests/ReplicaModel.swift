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
        /// What each delete removed, as `deleted list` reads it from the log.
        var removed: [RowKey: RemovedRow]
    }

    struct ConflictKey: Hashable {
        let cell: CellKey
        let loserOrigin: SiteID
        let loserSequence: Int64
    }

    let site: SiteID
    var clock = HybridLogicalClock()
    private(set) var log: [Change] = []
    private var received: [SiteID: Set<Int64>] = [:]
    private var cells: [CellKey: (order: ChangeOrder, value: FieldValue)] = [:]
    private var tombstones: [RowKey: WriteStamp] = [:]
    private var journal: [ConflictKey: ConflictRecord] = [:]

    init(site: SiteID) {
        self.site = site
    }

    func isDeleted(_ table: SyncedTable, _ row: RowID) -> Bool { tombstones[RowKey(table: table, row: row)] != nil }

    /// What this site holds of every other origin: the longest run 1...N it has received.
    var vector: VersionVector {
        var sequences: [SiteID: Int64] = [:]
        for (origin, numbers) in received where origin != site {
            var contiguous: Int64 = 0
            while numbers.contains(contiguous + 1) { contiguous += 1 }
            if contiguous > 0 { sequences[origin] = contiguous }
        }
        return VersionVector(sequences)
    }

    private var nextSequence: Int64 { (received[site]?.max() ?? 0) + 1 }

    /// A local write of some columns; refused (returns `nil`) on a deleted row, as the store refuses it.
    @discardableResult
    mutating func write(_ values: [ColumnValue], of row: RowID, now: UInt64) -> Change? {
        guard let table = values.first?.column.table, !isDeleted(table, row) else { return nil }
        return local(table, row, .write(values.sorted { $0.column.position < $1.column.position }), now: now)
    }

    /// A local write of one field.
    @discardableResult
    mutating func write(_ column: SyncedColumn, of row: RowID, _ value: FieldValue, now: UInt64) -> Change? {
        write([ColumnValue(column, value)], of: row, now: now)
    }

    /// A local delete, carrying what this site has seen.
    @discardableResult
    mutating func delete(_ table: SyncedTable, _ row: RowID, now: UInt64) -> Change? {
        guard !isDeleted(table, row) else { return nil }
        return local(table, row, .delete, now: now)
    }

    private mutating func local(_ table: SyncedTable, _ row: RowID, _ operation: Change.Operation, now: UInt64) -> Change {
        let change = Change(
            table: table, rowID: row, operation: operation, origin: site, sequence: nextSequence,
            timestamp: clock.next(wallClock: now), knowledge: .vector(vector))
        receive(change)
        return change
    }

    /// Merges a change from any site (including this one's own, which is then a duplicate).
    mutating func receive(_ change: Change) {
        guard received[change.origin, default: []].insert(change.sequence).inserted else { return }
        let related = log.filter { $0.table == change.table && $0.rowID == change.rowID }
        for record in MergeRules.conflicts(of: change, with: related) {
            let key = ConflictKey(
                cell: CellKey(table: record.loser.table, row: record.loser.rowID, column: record.column.name),
                loserOrigin: record.loser.origin, loserSequence: record.loser.sequence)
            if let held = journal[key], !record.preferred(over: held) { continue }
            journal[key] = record
        }
        log.append(change)
        try? clock.witness(change.timestamp, from: change.origin, wallClock: .max)
        switch change.operation {
        case let .write(values):
            for entry in values {
                let key = CellKey(table: change.table, row: change.rowID, column: entry.column.name)
                if cells[key].map({ change.order > $0.order }) ?? true { cells[key] = (change.order, entry.value) }
            }
        case .delete:
            let key = RowKey(table: change.table, row: change.rowID)
            tombstones[key] = min(tombstones[key] ?? change.stamp, change.stamp)
        }
    }

    /// The greatest number held from `origin` with every number below it (this site's own: all it made).
    func holds(_ origin: SiteID) -> Int64 {
        origin == site ? (received[site]?.max() ?? 0) : vector[origin]
    }

    /// What the store's compaction drops (`SiteStore.compact`): writes at or below `frontier` whose
    /// every field a later write held here replaced (deleted rows included: their last values stay,
    /// for `deleted list`), and that no journal entry names. Only the history that merging reads shrinks; returns how many entries went.
    mutating func compact(below frontier: VersionVector) -> Int {
        struct Key: Hashable {
            let origin: SiteID
            let sequence: Int64
        }
        let named = Set(
            journal.values.flatMap {
                [
                    Key(origin: $0.loser.origin, sequence: $0.loser.sequence),
                    Key(origin: $0.winner.origin, sequence: $0.winner.sequence),
                ]
            })
        var drop: Set<Key> = []
        for changes in Dictionary(grouping: log, by: { RowKey(table: $0.table, row: $0.rowID) }).values {
            var newest: [String: ChangeOrder] = [:]
            for change in changes {
                for entry in change.values { newest[entry.column.name] = max(newest[entry.column.name] ?? change.order, change.order) }
            }
            for change in changes where !change.isDelete && change.sequence <= frontier[change.origin] {
                let key = Key(origin: change.origin, sequence: change.sequence)
                guard !named.contains(key) else { continue }
                if change.values.allSatisfy({ newest[$0.column.name].map { $0 > change.order } ?? false }) { drop.insert(key) }
            }
        }
        log.removeAll { drop.contains(Key(origin: $0.origin, sequence: $0.sequence)) }
        return drop.count
    }

    /// The last value of every field of each deleted row, as merging the writes gives it: what
    /// `RemovedRow` must find in the log, compacted or not.
    var deletedRowCells: [RowKey: [String: FieldValue]] {
        var rows: [RowKey: [String: FieldValue]] = [:]
        for (key, cell) in cells where tombstones[RowKey(table: key.table, row: key.row)] != nil {
            rows[RowKey(table: key.table, row: key.row), default: [:]][key.column] = cell.value
        }
        return rows
    }

    var state: State {
        let visible = cells.filter { tombstones[RowKey(table: $0.key.table, row: $0.key.row)] == nil }.mapValues(\.value)
        var removed: [RowKey: RemovedRow] = [:]
        for (key, history) in Dictionary(grouping: log, by: { RowKey(table: $0.table, row: $0.rowID) }) {
            removed[key] = RemovedRow(history: history)
        }
        return State(visible: visible, deleted: tombstones, journal: journal, removed: removed)
    }
}
