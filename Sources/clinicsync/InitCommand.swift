import ArgumentParser
import ClinicSyncStore

/// `clinicsync init`: creates the database and the site's identity; idempotent.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the site's database and identity (running it again changes nothing).")

    @OptionGroup var options: GlobalOptions

    struct Result: Encodable {
        let site_id: String
        let database: String
        let schema_version: String
        let created: Bool
    }

    func run() throws {
        try reportingFailures {
            let configuration = try options.loadConfiguration()
            let created = try configuration.initializeStore().created
            let result = Result(
                site_id: configuration.siteID.rawValue, database: configuration.databasePath,
                schema_version: SiteStore.schemaVersion, created: created)
            if options.json { return try Output.json(result) }
            print(created
                ? "Initialised site '\(result.site_id)' at \(result.database)."
                : "Site '\(result.site_id)' is already initialised at \(result.database); nothing changed.")
        }
    }
}
