import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the site's daemon: serve peers, sync on a schedule, answer the control socket.",
        discussion: "Runs until SIGTERM or SIGINT, then shuts down gracefully and exits 0.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await reportingFailures { () async throws(ApplicationError) in
            try await SiteApplication.serve(configurationPath: options.config)
        }
    }
}
