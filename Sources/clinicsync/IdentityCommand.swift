import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync identity ...`: the site's TLS identity.
struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Show or rotate the site's TLS identity.",
        subcommands: [IdentityShow.self, IdentityRotate.self])
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
