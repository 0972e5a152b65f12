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

/// Options of the commands that book or change appointments.
struct BookingOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Refuse the booking (exit 65, nothing written) when it would raise an alert given what this site holds; without it the "
                + "booking is written and the alerts are printed on stderr."))
    var strict = false

    /// Prints the alerts a booking raised on stderr.
    func warn(_ alerts: [AlertView]) {
        for alert in alerts {
            FileHandle.standardError.write(Data("warning: this raises \(alert.id): \(alert.message)\n".utf8))
        }
    }
}
