import ClinicSyncCore
import ClinicSyncStore

/// The console's access log: every view of a patient's data, local to the site and kept out of the
/// journal and stderr (it names patients).
extension SiteApplication {
    /// Records a view of each patient; the console calls it whenever a page shows patients' data.
    package func recordAccess(account: String, patientIDs: Set<String>, page: String) throws(ApplicationError) {
        let store = try openStore()
        try classifyingErrors { try store.recordAccess(account: account, patientIDs: patientIDs.sorted(), page: page, at: Self.now) }
    }

    /// The patients alerts show: those they name, and those of the appointments and prescriptions
    /// they list (a therapist's double booking names no patient but lists several).
    package func patientIDs(of alerts: [AlertView]) throws(ApplicationError) -> Set<String> {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            var patients = Set(alerts.compactMap(\.patientID))
            for alert in alerts {
                for id in alert.appointmentIDs { if let patient = try store.patientID(table: .appointments, rowID: id) { patients.insert(patient) } }
                if let id = alert.prescriptionID, let patient = try store.patientID(table: .prescriptions, rowID: id) { patients.insert(patient) }
            }
            return patients
        }
    }

    /// The patients the rows of conflict-journal entries belong to (deleted rows by their last
    /// values), for recording a view of them; a row whose patient is unknown is recorded as such.
    package func patientIDs(of entries: [ConflictView]) throws(ApplicationError) -> Set<String> {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            Set(
                try entries.compactMap { entry in
                    guard let table = SyncedTable(rawValue: entry.table), [.appointments, .prescriptions, .coverageChecks].contains(table) else {
                        return nil
                    }
                    return try store.patientID(table: table, rowID: entry.rowID) ?? "unknown (\(entry.table) \(entry.rowID))"
                })
        }
    }

    /// The newest entries first.
    package func accessLog(patientID: String? = nil, account: String? = nil, limit: Int = 200) throws(ApplicationError) -> [AccessLogView] {
        guard (1...100_000).contains(limit) else { throw ApplicationError(.usage, "--limit: give a count from 1 to 100000") }
        let store = try openStoreReadOnly()
        return try classifyingErrors { try store.accessLog(patientID: patientID, account: account, limit: limit).map(AccessLogView.init) }
    }
}

/// An access-log entry as `clinicsync audit list` and `/audit` show it.
package struct AccessLogView: Codable, Sendable, Equatable {
    package var at: String
    package var account: String
    package var patientID: String
    package var page: String

    enum CodingKeys: String, CodingKey {
        case at, account, page
        case patientID = "patient_id"
    }

    init(_ record: AccessLogRecord) {
        at = record.at
        account = record.account
        patientID = record.patientID
        page = record.page
    }
}
