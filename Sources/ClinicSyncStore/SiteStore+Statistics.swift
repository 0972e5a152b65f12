import ClinicSyncCore
import Foundation
import GRDB

/// Sizes and counts of a site's database, as `status` shows them.
package struct StoreStatistics: Sendable, Equatable {
    package let appointments: Int
    package let prescriptions: Int
    package let changeLogEntries: Int
    package let conflicts: Int
    package let deletedRows: Int
    /// The database file plus its write-ahead log.
    package let fileBytes: Int
}

extension SiteStore {
    /// Current counts, read from one snapshot.
    package func statistics() throws(StoreError) -> StoreStatistics {
        let counts: [Int] = try read { db in
            try ["appointments", "prescriptions", "change_log", "conflicts", "tombstones"].map { source in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(source)") ?? 0
            }
        }
        let bytes = [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
        return StoreStatistics(
            appointments: counts[0], prescriptions: counts[1], changeLogEntries: counts[2], conflicts: counts[3],
            deletedRows: counts[4], fileBytes: bytes)
    }
}
