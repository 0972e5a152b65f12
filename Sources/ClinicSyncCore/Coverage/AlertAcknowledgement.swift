/// That someone saw an alert and dealt with it (a synced record of its own: the alert is hidden at
/// every site that holds it).
package struct AlertAcknowledgement: Hashable, Sendable {
    package var id: RowID
    package var alertID: String
    package var acknowledgedBy: String
    package var site: SiteID
    package var acknowledgedAt: UTCDateTime
    package var note: String?

    package init(id: RowID, alertID: String, acknowledgedBy: String, site: SiteID, acknowledgedAt: UTCDateTime, note: String? = nil) {
        self.id = id
        self.alertID = alertID
        self.acknowledgedBy = acknowledgedBy
        self.site = site
        self.acknowledgedAt = acknowledgedAt
        self.note = note
    }

    package func validate() throws(ValidationError) {
        guard Self.isAlertID(alertID) else {
            throw ValidationError(
                field: "alert_id", rule: "must be an alert id such as over_authorized-0123456789abcdef, as `clinicsync alerts` prints it")
        }
        try Require.nonEmpty(acknowledgedBy, "acknowledged_by")
        if let note { try Require.nonEmpty(note, "note") }
    }

    /// `kind-` and 16 lowercase hex digits, for a kind this version knows.
    package static func isAlertID(_ text: String) -> Bool {
        guard let dash = text.lastIndex(of: "-"), CoverageAlert.Kind(rawValue: String(text[..<dash])) != nil else { return false }
        return isLowercaseHex(text[text.index(after: dash)...], count: 16)
    }

    /// The stored value of every synchronised column.
    package var fieldValues: [SyncedColumn: FieldValue] {
        let values: [String: FieldValue] = [
            "alert_id": .text(alertID), "acknowledged_by": .text(acknowledgedBy), "site": .text(site.rawValue),
            "acknowledged_at": .text(acknowledgedAt.description), "note": note.map(FieldValue.text) ?? .null,
        ]
        return Dictionary(uniqueKeysWithValues: SyncedTable.alertAcknowledgements.columns.map { ($0, values[$0.name]!) })
    }
}
