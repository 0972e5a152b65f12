import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync identity ...`: the site's TLS identity.
struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Show or rotate the site's TLS identity; clear a site-identity conflict.",
        subcommands: [IdentityShow.self, IdentityRotate.self, IdentityClearConflict.self])
}

/// `clinicsync identity clear-conflict SITE`
struct IdentityClearConflict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear-conflict",
        abstract: "Let a site's changes flow again after two databases were seen under its site id.",
        discussion: "Run it once one of the two databases has been given a site id of its own (or retired).")

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The site id `status` names under identity.", valueName: "site"))
    var site: String

    func run() throws {
        try reportingFailures {
            let id: SiteID
            do throws(ClinicSyncCore.ValidationError) { id = try SiteID(site) } catch { throw CommandFailure(message: "site: \(error.rule)", status: ExitStatus.usage) }
            let cleared = try options.openStore().clearIdentityConflict(id)
            guard cleared else { throw CommandFailure(message: "no identity conflict is recorded for site '\(id)'", status: ExitStatus.notFound) }
            print("Cleared the identity conflict of site '\(id)'; its changes flow again from the next sync.")
        }
    }
}

/// `clinicsync identity show`
struct IdentityShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the site's fingerprint and identity files.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let files = try options.loadConfiguration().identityFiles
            let identity = try files.load()
            if options.json {
                return try Output.json(["fingerprint": identity.fingerprint.rawValue, "certificate": files.certificatePath,
                                        "private_key": files.privateKeyPath])
            }
            Output.fields([("fingerprint", identity.fingerprint.rawValue), ("certificate", files.certificatePath),
                           ("private key", files.privateKeyPath)])
        }
    }
}

/// `clinicsync identity rotate`
struct IdentityRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace the site's key and certificate; prints the new fingerprint.",
        discussion: """
            The old pair is kept as <database>.cert.previous.pem and .key.previous.pem. Then: give the new \\
            fingerprint to every peer (their `fingerprint` for this site) and reload them (SIGHUP or \\
            restart); restart this site's daemon. Peers refuse this site until they have the new fingerprint.
            """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let configuration = try options.loadConfiguration()
            let files = configuration.identityFiles
            let old = try? files.load().fingerprint.rawValue
            try files.rotate(site: configuration.siteID)
            let identity = try files.load()
            if options.json {
                return try Output.json(["fingerprint": identity.fingerprint.rawValue, "previous_fingerprint": old ?? ""])
            }
            Output.fields([("fingerprint", identity.fingerprint.rawValue), ("previous", old ?? "none")])
        }
    }
}
