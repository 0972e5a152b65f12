import ArgumentParser
import ClinicSyncDaemon

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

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let result = try options.application().initialize()
            if options.json { return Output.json(result) }
            print(
                result.created || result.identityCreated
                    ? "Initialised site '\(result.siteID)' at \(result.database)."
                    : "Site '\(result.siteID)' is already initialised at \(result.database); nothing changed.")
            print("fingerprint: \(result.fingerprint)")
        }
    }
}
