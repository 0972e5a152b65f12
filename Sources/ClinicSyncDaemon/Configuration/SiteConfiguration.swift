import ClinicSyncCore
import Foundation

/// A site's configuration, read from YAML (see `Config/clinicsync.yaml` for every key, commented).
public struct SiteConfiguration: Sendable {
    /// The file it was read from.
    public let path: String
    /// `site.id`: this site's identity; unique among the clinic's sites, never changed once synced.
    public let siteID: SiteID
    /// `site.database`: the SQLite file; a relative path is taken from the configuration's directory.
    public let databasePath: String
    /// `clock.max_drift_seconds`: how far ahead of this site's clock a peer's timestamps may be
    /// before its changes are refused (default 300).
    public let maximumDrift: Milliseconds

    enum Keys {
        static let siteID = ConfigDocument.Key(path: "site.id", expected: "1-64 characters of a-z, 0-9, '-' or '_'")
        static let database = ConfigDocument.Key(path: "site.database", expected: "a path to the SQLite file")
        static let maxDrift = ConfigDocument.Key(path: "clock.max_drift_seconds", expected: "whole seconds from 1 to 86400")
        static let scalars = [siteID, database, maxDrift]
    }

    /// Reads and validates the file at `path`, applying `CLINICSYNC_*` environment overrides.
    public init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        let document = try ConfigDocument(path: path, keys: Keys.scalars, listKeys: [:], environment: environment)
        self.path = path
        let siteText = try document.required(Keys.siteID)
        guard let siteID = try? SiteID(siteText) else {
            throw .invalidValue(path: path, key: Keys.siteID.path, expected: Keys.siteID.expected)
        }
        self.siteID = siteID
        databasePath = document.resolvedPath(try document.required(Keys.database))
        maximumDrift = Milliseconds(UInt64(try document.integer(Keys.maxDrift, in: 1...86_400, default: 300)) * 1000)
    }
}
