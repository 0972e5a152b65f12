/// One entry of the change log: one write of a row (the columns it changed, with their values) or a
/// row's delete, made at one site, with its place in that site's sequence and what the site had
/// seen when it made it.
package struct Change: Hashable, Sendable {
    /// What the change does.
    package enum Operation: Hashable, Sendable {
        /// The listed columns of the row now hold these values (in schema order, at least one).
        case write([ColumnValue])
        /// The row was deleted; deletes are final (see ``MergeRules``).
        case delete
    }

    /// The table of the row.
    package let table: SyncedTable
    /// The row's UUID, generated at the site that created it.
    package let rowID: RowID
    /// The row write or the delete.
    package let operation: Operation
    /// The site where the change was made; kept unchanged when other sites relay it.
    package let origin: SiteID
    /// The change's number in its origin's sequence: 1, 2, 3, ... with no gaps. Negative for a
    /// change migrated from the version-1 log (``legacySequence(for:)``).
    package let sequence: Int64
    /// The hybrid-logical-clock time of the change; with the origin, it orders writes (last writer wins).
    package let timestamp: HybridTimestamp
    /// What the origin had seen when it made the change; decides what the conflict journal records.
    package let knowledge: Knowledge

    /// Builds a change; the operation's columns must belong to `table`.
    package init(
        table: SyncedTable, rowID: RowID, operation: Operation, origin: SiteID, sequence: Int64,
        timestamp: HybridTimestamp, knowledge: Knowledge
    ) {
        if case let .write(values) = operation {
            precondition(values.allSatisfy { $0.column.table == table }, "a column does not belong to \(table)")
        }
        self.table = table
        self.rowID = rowID
        self.operation = operation
        self.origin = origin
        self.sequence = sequence
        self.timestamp = timestamp
        self.knowledge = knowledge
    }

    /// The version of the change's values: last writer wins by this stamp.
    package var stamp: WriteStamp { WriteStamp(timestamp, origin) }

    /// Where last-writer-wins puts this change (see ``ChangeOrder``).
    package var order: ChangeOrder { ChangeOrder(stamp: stamp, sequence: sequence) }

    /// The columns written with their values; empty for a delete.
    package var values: [ColumnValue] {
        if case let .write(values) = operation { return values }
        return []
    }

    /// The value written to `column`, if this change writes it.
    package func value(of column: SyncedColumn) -> FieldValue? {
        values.first { $0.column == column }?.value
    }

    /// Whether this change deletes its row.
    package var isDelete: Bool { operation == .delete }

    /// Whether this change was migrated from the version-1 log.
    package var isLegacy: Bool { sequence < 1 }

    /// The sequence number of a version-1 change stamped `timestamp`: below every version-2 number
    /// and in timestamp order, so one number per origin summarises both logs.
    package static func legacySequence(for timestamp: HybridTimestamp) -> Int64 {
        timestamp.rawValue - (1 << 62)
    }

    /// How many numbers one block holds. A site restored from a backup numbers its new changes
    /// from the next block up, past every number its lost disk can have given.
    package static let numberingBlockSize: Int64 = 1 << 32

    /// The numbering block `sequence` lies in (see ``numberingBlockSize``).
    package static func numberingBlock(of sequence: Int64) -> Int64 {
        sequence >> 32
    }
}

/// A column of a synchronised table and the value a change gives it.
package struct ColumnValue: Hashable, Sendable {
    package let column: SyncedColumn
    package let value: FieldValue

    /// Pairs a column with its new value.
    package init(_ column: SyncedColumn, _ value: FieldValue) {
        self.column = column
        self.value = value
    }
}

/// What a site had seen when it made a change.
package enum Knowledge: Hashable, Sendable {
    /// The site's version vector just before the change. Its own origin is left out (a site has
    /// seen all of its own earlier changes), except after a restore: then it says how far the site
    /// holds its own changes of lower numbering blocks (see ``MergeRules/saw(_:_:)``).
    case vector(VersionVector)
    /// A change migrated from the version-1 log: the version of the value it replaced (for a delete,
    /// the greatest version of any field of the row), or `nil` when there was none.
    case legacyBase(WriteStamp?)
}
