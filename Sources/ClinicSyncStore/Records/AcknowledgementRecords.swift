package import ClinicSyncCore
import GRDB

/// A row of `alert_acknowledgements` as stored.
package struct AlertAcknowledgementRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "alert_acknowledgements"

    package var id: String
    package var alertID: String?
    package var acknowledgedBy: String?
    package var site: String?
    package var acknowledgedAt: String?
    package var note: String?

    package enum CodingKeys: String, CodingKey {
        case id, site, note
        case alertID = "alert_id"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
    }

    package init(_ acknowledgement: AlertAcknowledgement) {
        id = acknowledgement.id.rawValue
        alertID = acknowledgement.alertID
        acknowledgedBy = acknowledgement.acknowledgedBy
        site = acknowledgement.site.rawValue
        acknowledgedAt = acknowledgement.acknowledgedAt.description
        note = acknowledgement.note
    }
}

extension AlertAcknowledgementRecord: SyncedRecord {
    static var syncedTable: SyncedTable { .alertAcknowledgements }
}

extension SiteStore {
    /// Stores an acknowledgement (a new row: acknowledgements are never edited).
    package func addAlertAcknowledgement(_ acknowledgement: AlertAcknowledgement) throws(StoreError) {
        do { try acknowledgement.validate() } catch { throw .invalid(error) }
        try insert(AlertAcknowledgementRecord(acknowledgement), id: acknowledgement.id) { _ in }
    }

    /// The acknowledgements of `alertID`, the earliest first.
    package func alertAcknowledgements(alertID: String) throws(StoreError) -> [AlertAcknowledgementRecord] {
        try read { db in
            try AlertAcknowledgementRecord.fetchAll(
                db, sql: "SELECT * FROM alert_acknowledgements WHERE alert_id = ? ORDER BY acknowledged_at, id", arguments: [alertID])
        }
    }
}
