import ClinicSyncCore
import ClinicSyncStore

/// The console's access log: every view of a patient's data, local to the site and kept out of the
/// journal and stderr (it names patients).
extension SiteApplication {
    /// Records a view; the console calls it whenever a page shows a patient's data.
    package func recordAccess(account: String, patientID: String, page: String) throws(ApplicationError) {
        let store = try openStore()
        try classifyingErrors { try store.recordAccess(account: account, patientID: patientID, page: page, at: Self.now) }
    }

    /// The patients the rows of conflict-journal entries belong to, for recording a view of them.
    package func patientIDs(of entries: [ConflictView]) throws(ApplicationError) -> Set<String> {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            Set(
                try entries.compactMap { entry in
                    try SyncedTable(rawValue: entry.table).flatMap { try store.patientID(table: $0, rowID: entry.rowID) }
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
