/// What a delete removed: the row's values as the merge rules would give them had it not been
/// deleted (each field from the write with the greatest stamp, seen by the delete or not), with the
/// first delete. It is a function of the row's change-log entries alone, so every site that holds
/// the same entries lists the same removed row, whatever order they arrived in; compaction keeps
/// the entries it needs (see `SiteStore.compact`).
package struct RemovedRow: Hashable, Sendable {
    package let table: SyncedTable
    package let rowID: RowID
    /// The delete with the smallest stamp: when and where the row was first deleted.
    package let delete: Change
    /// The last value of each field some entry wrote (fields no held entry writes are absent).
    package let values: [SyncedColumn: FieldValue]

    /// The removed row that `history` (the entries of one row) describes; `nil` unless the row was deleted.
    package init?(history: [Change]) {
        guard let delete = history.filter(\.isDelete).min(by: { $0.order < $1.order }) else { return nil }
        var newest: [SyncedColumn: (order: ChangeOrder, value: FieldValue)] = [:]
        for change in history where !change.isDelete {
            for entry in change.values where newest[entry.column].map({ change.order > $0.order }) ?? true {
                newest[entry.column] = (change.order, entry.value)
            }
        }
        table = delete.table
        rowID = delete.rowID
        self.delete = delete
        values = newest.mapValues(\.value)
    }
}
