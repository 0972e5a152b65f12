package import ClinicSyncCore
import ClinicSyncStore

extension SiteApplication {
    /// The change log in timestamp order: entries of `origin` (or every origin) numbered above
    /// `after`, at most `limit`.
    package func changes(origin: SiteID?, after: Int64, limit: Int) throws(ApplicationError) -> [ChangeView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { try store.changes(origin: origin, after: after, limit: limit).map(ChangeView.init) }
    }

    /// The conflict journal: values overwritten by a write made without knowledge of them; the
    /// entries no one reviewed yet, or (`all`) every entry with its review.
    package func conflicts(all: Bool = true) throws(ApplicationError) -> [ConflictView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { try ConflictJournal(store: store).views.filter { all || $0.review == nil } }
    }

    /// Deleted rows (of `table`, or of every table), the most recently deleted first.
    package func deletedRows(table: SyncedTable?) throws(ApplicationError) -> [DeletedRowView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { try store.removedRows().filter { table == nil || $0.table == table }.map(DeletedRowView.init) }
    }

    /// Deleted row `id`.
    package func deletedRow(id: RowID) throws(ApplicationError) -> DeletedRowView {
        let store = try openStoreReadOnly()
        guard let row = try classifyingErrors({ try store.removedRow(id: id) }) else {
            throw ApplicationError(StoreError.notDeleted(id: id))
        }
        return DeletedRowView(row)
    }

    /// How a re-created appointment links to a prescription.
    package enum RestoredLink: Sendable, Equatable {
        /// As the deleted row did.
        case keep
        /// To none.
        case unlink
        /// To this prescription instead.
        case to(RowID)
    }

    /// Re-creates deleted row `id` as a new row, with id `newID` or (by default) one derived from
    /// the old id, so restoring the same row twice, or at two sites, makes one row.
    package func restoreDeletedRow(id: RowID, as newID: RowID?, link: RestoredLink, force: Bool) throws(ApplicationError) -> RestoredRowView {
        let replacement = newID ?? RemovedRowRestore.replacementID(for: id)
        let storeLink: SiteStore.RestoredLink
        switch link {
        case .keep: storeLink = .keep
        case .unlink: storeLink = .unlink
        case let .to(prescription): storeLink = .to(prescription)
        }
        let store = try openStoreForRecordWrites(force: force)
        let removed = try classifyingErrors { try store.restoreRemovedRow(id: id, as: replacement, link: storeLink) }
        return RestoredRowView(id: replacement.rawValue, restoredFrom: id.rawValue, table: removed.table.rawValue)
    }
}
