package import ClinicSyncCore
import GRDB

/// An entry of `access_log`: one view of a patient's data in the console.
package struct AccessLogRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "access_log"

    package var seq: Int64?
    package var at: String
    package var account: String
    package var patientID: String
    package var page: String

    package enum CodingKeys: String, CodingKey {
        case seq, at, account, page
        case patientID = "patient_id"
    }
}

extension SiteStore {
    /// Records that `account` viewed the data of each of `patientIDs` on `page`, in one transaction.
    package func recordAccess(account: String, patientIDs: [String], page: String, at now: UTCDateTime) throws(StoreError) {
        guard !patientIDs.isEmpty else { return }
        try write { transaction in
            for patientID in patientIDs {
                try AccessLogRecord(seq: nil, at: now.description, account: account, patientID: patientID, page: page).insert(transaction.db)
            }
        }
    }

    /// The newest entries first, optionally of one patient or one account.
    package func accessLog(patientID: String?, account: String?, limit: Int) throws(StoreError) -> [AccessLogRecord] {
        try read { db in
            var request = AccessLogRecord.order(Column("seq").desc).limit(limit)
            if let patientID { request = request.filter(Column("patient_id") == patientID) }
            if let account { request = request.filter(Column("account") == account) }
            return try request.fetchAll(db)
        }
    }
}

extension SiteStore {
    /// The patient a synchronised row belongs to (appointments, prescriptions and coverage checks
    /// name one), for the access log of pages that show its values.
    /// A deleted row's patient is read from its last values.
    package func patientID(table: SyncedTable, rowID: String) throws(StoreError) -> String? {
        guard [.appointments, .prescriptions, .coverageChecks].contains(table) else { return nil }
        if let current = try read({ db in
            try String.fetchOne(db, sql: "SELECT patient_id FROM \(table.rawValue) WHERE id = ?", arguments: [rowID])
        }) {
            return current
        }
        guard let id = try? RowID(rowID), let removed = try removedRow(id: id), let column = table.column(named: "patient_id"),
            case let .text(patient)? = removed.values[column]
        else { return nil }
        return patient
    }
}
