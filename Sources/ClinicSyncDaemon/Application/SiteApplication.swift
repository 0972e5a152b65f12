package import ClinicSyncCore
import ClinicSyncStore
package import Foundation

/// The one API the `clinicsync` executable calls: every command's operation on the site that a
/// configuration file describes, answering with output models of its own (never store records, so
/// the database schema is not the CLI's contract) and failing with ``ApplicationError`` only.
///
/// Each operation opens what it needs (the store read-only for reads, the daemon's control socket
/// when one answers) and closes it before returning, as a command runs one operation and exits.
package struct SiteApplication: Sendable {
    let configuration: SiteConfiguration

    /// The application for the site configured at `configurationPath` (validated on load).
    package init(configurationPath: String) throws(ApplicationError) {
        do { configuration = try SiteConfiguration(path: configurationPath) } catch { throw ApplicationError(error) }
    }

    init(configuration: SiteConfiguration) {
        self.configuration = configuration
    }

    /// The site's id, as configured.
    package var siteID: SiteID { configuration.siteID }

    /// Now, to the second, as records stamp it (acknowledgements, reviews, accounts, the access log).
    static var now: UTCDateTime { UTCDateTime(secondsSinceEpoch: Int(Date().timeIntervalSince1970)) }

    /// The clinic's time zone (`alerts.time_zone`), in which people read times.
    package var timeZone: TimeZone { configuration.alerts.timeZone }

    /// The site's store, for operations that write.
    func openStore() throws(ApplicationError) -> SiteStore {
        do { return try configuration.openStore() } catch { throw ApplicationError(error) }
    }

    /// The site's store to write records, refused while its clock runs ahead beyond the drift
    /// bound (unless `force`): such a change would be held at every peer.
    func openStoreForRecordWrites(force: Bool) throws(ApplicationError) -> SiteStore {
        do { return try configuration.openStoreForRecordWrites(force: force) } catch { throw ApplicationError(error) }
    }

    /// The site's store opened for reading only: a read never writes to the database, never waits
    /// behind the daemon's writes, and works for a user who may only read it.
    func openStoreReadOnly() throws(ApplicationError) -> SiteStore {
        do { return try configuration.openStoreReadOnly() } catch { throw ApplicationError(error) }
    }
}
