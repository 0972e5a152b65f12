package import ClinicSyncCore
import ClinicSyncStore
import Foundation

extension SiteApplication {
    /// Acknowledges alert `id`, which this site must list (open or acknowledged): a synced record
    /// of who did it, where and when. An alert acknowledged already is left as it is.
    package func acknowledgeAlert(id: String, by who: String, note: String?, force: Bool) throws(ApplicationError) -> AcknowledgementView {
        guard AlertAcknowledgement.isAlertID(id) else {
            throw ApplicationError(
                .usage, "'\(id)' is not an alert id; ids look like over_authorized-0123456789abcdef (`clinicsync alerts` lists them)")
        }
        let store = try openStoreForRecordWrites(force: force)
        return try classifyingErrors {
            let reading = try CoverageReading(store: store, settings: configuration.alerts)
            guard let alert = reading.alerts.first(where: { $0.id == id }) else {
                throw ApplicationError(
                    .notFound,
                    "no alert with id \(id) at this site: it was resolved, or its appointments changed (which gives it a new id), or this site "
                        + "has not received the data that raises it; `clinicsync alerts --all` lists them")
            }
            if alert.acknowledged, let earlier = try store.alertAcknowledgements(alertID: id).first {
                return AcknowledgementView(earlier, alreadyAcknowledged: true)
            }
            let acknowledgement = AlertAcknowledgement(
                id: try RowID(UUID().uuidString), alertID: id, acknowledgedBy: who, site: siteID,
                acknowledgedAt: Self.now, note: note)
            try store.addAlertAcknowledgement(acknowledgement)
            return AcknowledgementView(AlertAcknowledgementRecord(acknowledgement), alreadyAcknowledged: false)
        }
    }
}
