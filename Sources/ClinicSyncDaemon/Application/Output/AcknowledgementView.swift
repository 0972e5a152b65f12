import ClinicSyncStore

/// `clinicsync alerts ack --json`.
package struct AcknowledgementView: Codable, Sendable, Equatable {
    package var id: String
    package var alertID: String
    package var acknowledgedBy: String?
    package var site: String?
    package var acknowledgedAt: String?
    package var note: String?
    /// The alert was acknowledged before (this is that acknowledgement); nothing was written.
    package var alreadyAcknowledged: Bool

    enum CodingKeys: String, CodingKey {
        case id, site, note
        case alertID = "alert_id"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case alreadyAcknowledged = "already_acknowledged"
    }
}

extension AcknowledgementView {
    init(_ record: AlertAcknowledgementRecord, alreadyAcknowledged: Bool) {
        self.init(
            id: record.id, alertID: record.alertID ?? "", acknowledgedBy: record.acknowledgedBy, site: record.site,
            acknowledgedAt: record.acknowledgedAt, note: record.note, alreadyAcknowledged: alreadyAcknowledged)
    }
}
