import ClinicSyncCore
import Foundation
import GRDB

/// Sizes and counts of a site's database, as `status` shows them.
public struct StoreStatistics: Sendable, Equatable {
    public let appointments: Int
    public let prescriptions: Int
    public let changeLogEntries: Int
    public let conflicts: Int
    public let deletedRows: Int
    /// The database file plus its write-ahead log.
    public let fileBytes: Int
}

extension SiteStore {
    /// Current counts, read from one snapshot.
    public func statistics() throws(StoreError) -> StoreStatistics {
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
