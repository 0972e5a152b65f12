import ClinicSyncCore
import GRDB
import Synchronization

/// Notices new changes in a site's database, whichever connection or process committed them (a
/// write by clinicsync or any other program, changes received from a peer), without reading the
/// change log: SQLite's `PRAGMA data_version` moves only when another connection commits, and only
/// then is the version vector (a row per origin) read. Live sync polls it a few times a second.
package final class CommitWatch: Sendable {
    private let queue: DatabaseQueue
    private let last = Mutex<(dataVersion: Int64, vector: VersionVector)?>(nil)

    /// A watch on the database at `path` over a read-only connection of its own (`data_version`
    /// is per connection).
    package init(path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(1)
        configuration.label = "clinicsync-watch"
        queue = try StoreError.mapping(path: path) { try DatabaseQueue(path: path, configuration: configuration) }
        _ = try newChanges()
    }

    /// Whether the database holds changes it did not hold at the previous call: some origin's
    /// number in the version vector went up. Commits that change no vector (recorded sync state,
    /// signing, compaction) do not count, so a round that moves nothing triggers no other.
    package func newChanges() throws(StoreError) -> Bool {
        let (dataVersion, vector) = try StoreError.mapping(path: queue.path) {
            try queue.read { db -> (Int64, VersionVector?) in
                let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
                let unchanged = last.withLock { $0?.dataVersion == version }
                return (version, unchanged ? nil : try VersionVectorTable.load(db))
            }
        }
        guard let vector else { return false }
        return last.withLock { state in
            defer { state = (dataVersion, vector) }
            guard let previous = state?.vector else { return false }
            return !previous.dominates(vector)
        }
    }
}
