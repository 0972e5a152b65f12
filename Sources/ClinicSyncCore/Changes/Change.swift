/// One entry of the change log: a field set to a value, or a row deleted, at one site and time.
public struct Change: Hashable, Sendable {
    /// What the change does.
    public enum Operation: Hashable, Sendable {
        /// The field `column` of the row now holds `value`.
        case set(column: SyncedColumn, value: FieldValue)
        /// The row was deleted; deletes are final (see ``MergeRules``).
        case delete
    }

    /// The table of the row.
    public let table: SyncedTable
    /// The row's UUID, generated at the site that created it.
    public let rowID: RowID
    /// The field write or the delete.
    public let operation: Operation
    /// When and where the change was made.
    public let stamp: WriteStamp
    /// The version of the value the change replaced at its origin (`nil`: no earlier value).
    /// For a delete, the greatest version of any of the row's fields at its origin.
    public let base: WriteStamp?

    /// Builds a change; `operation`'s column must belong to `table`.
    public init(table: SyncedTable, rowID: RowID, operation: Operation, stamp: WriteStamp, base: WriteStamp?) {
        if case let .set(column, _) = operation {
            precondition(column.table == table, "column \(column) does not belong to \(table)")
        }
        self.table = table
        self.rowID = rowID
        self.operation = operation
        self.stamp = stamp
        self.base = base
    }

    /// The field written, or `nil` for a delete.
    public var column: SyncedColumn? {
        if case let .set(column, _) = operation { return column }
        return nil
    }

    /// The value written, or `nil` for a delete.
    public var value: FieldValue? {
        if case let .set(_, value) = operation { return value }
        return nil
    }

    /// Whether this change deletes its row.
    public var isDelete: Bool { operation == .delete }
}
