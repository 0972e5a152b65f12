import ArgumentParser
import ClinicSyncDaemon
import ClinicSyncStore

/// `clinicsync init`: creates the database and the site's identity; idempotent.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the site's database and identity (running it again changes nothing).",
        discussion: """
            The identity is a P-256 key and a self-signed certificate beside the database \
            (<database>.key.pem, owner-only, and <database>.cert.pem). Give the printed fingerprint to \
            every peer: it goes in their configuration as this site's `fingerprint`.
            """)

    @OptionGroup var options: GlobalOptions

    struct Result: Encodable {
        let site_id: String
        let database: String
        let schema_version: String
        let created: Bool
        let fingerprint: String
        let identity_created: Bool
    }

    func run() throws {
        try reportingFailures {
            let configuration = try options.loadConfiguration()
            let created = try configuration.initializeStore().created
            let identityCreated = try configuration.identityFiles.createIfMissing(site: configuration.siteID)
            let identity = try configuration.identityFiles.load()
            let result = Result(
                site_id: configuration.siteID.rawValue, database: configuration.databasePath,
                schema_version: SiteStore.schemaVersion, created: created, fingerprint: identity.fingerprint.rawValue,
                identity_created: identityCreated)
            if options.json { return try Output.json(result) }
            print(created || identityCreated
                ? "Initialised site '\(result.site_id)' at \(result.database)."
                : "Site '\(result.site_id)' is already initialised at \(result.database); nothing changed.")
            print("fingerprint: \(result.fingerprint)")
        }
    }
}
