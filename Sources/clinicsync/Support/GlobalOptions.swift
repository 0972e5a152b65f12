import ArgumentParser
import ClinicSyncDaemon
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site's YAML configuration file.", valueName: "path"))
    var config: String = ProcessInfo.processInfo.environment["CLINICSYNC_CONFIG"] ?? "/etc/clinicsync/clinicsync.yaml"

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    /// The application for the configured site (the configuration is validated here).
    func application() throws(ApplicationError) -> SiteApplication {
        try SiteApplication(configurationPath: config)
    }
}

/// Options of the commands that write records.
struct RecordWriteOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Write even though the site's clock runs ahead of its wall clock (the change is held at every peer until real time catches up; "
                + "see `clinicsync clock recover`).")
    )
    var force = false
}
