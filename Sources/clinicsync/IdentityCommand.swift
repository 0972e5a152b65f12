import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync identity ...`: the site's TLS identity.
struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Show or rotate the site's TLS identity; clear a conflict between two databases under one site id.",
        subcommands: [IdentityShow.self, IdentityRotate.self, IdentityClearConflict.self])
}

/// `clinicsync identity clear-conflict SITE`
struct IdentityClearConflict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear-conflict",
        abstract: "Forget which database this site knew under a site id, after two were seen.",
        discussion: """
            Run it once the second database has been dealt with: the site restored from a backup \
            (`clinicsync restore`), or the new database given a site id of its own. The next database \
            to report under the id is then the one this site knows, and its held changes flow.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The site id `status` names under identity (\(ArgumentForm.siteID)).", valueName: "site")) var site: SiteID

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            try options.application().clearIdentityConflict(site: site)
            print("Cleared the identity conflict of site '\(site)'; the next database to report as it is the one known here.")
        }
    }
}

/// `clinicsync identity show`
struct IdentityShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the site's fingerprint and identity files.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let identity = try options.application().identity()
            if options.json { return Output.json(identity) }
            Output.fields([
                ("fingerprint", identity.fingerprint), ("certificate", identity.certificate),
                ("private key", identity.privateKey), ("incarnation", identity.incarnation),
            ])
        }
    }
}

/// `clinicsync identity rotate`
struct IdentityRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace the site's key and certificate; prints the new fingerprint.",
        discussion: """
            Stop the daemon first. Everything the site wrote so far is signed with the old key, then the \
            old pair is kept as <database>.cert.previous.pem and .key.previous.pem. Then, at every site \
            of the fleet, this one included: add `previous: <old fingerprint>@<number>` as printed to this \
            site's `fleet` entry, so the changes signed with the old key stay verifiable (here too: a \
            restore from an older backup gets them back from peers); elsewhere also set this site's \
            fingerprint (under `peers`, or `fleet`) to the new one; reload them (SIGHUP). Peers refuse \
            this site's new changes until they have the new fingerprint.
            """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let rotation = try options.application().rotateIdentity()
            if options.json { return Output.json(rotation) }
            Output.fields([("fingerprint", rotation.fingerprint), ("previous", rotation.previous)])
        }
    }
}
