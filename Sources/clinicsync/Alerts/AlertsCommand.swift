import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon
import Foundation

/// `clinicsync alerts [list]`
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List the alerts the merged tables raise (coverage, limits, dates, double bookings); acknowledge them.",
        discussion: """
            Alerts are computed from every site's appointments, prescriptions and coverage checks as this site holds them: \
            sites holding the same data list the same alerts, with the same ids. An acknowledged alert is hidden at every site \
            (after sync) until the appointments it names change.
            """,
        subcommands: [AlertsList.self, AlertsAcknowledge.self], defaultSubcommand: AlertsList.self)
}

extension CoverageAlert.Kind: ExpressibleByArgument {}

/// `clinicsync alerts list`
struct AlertsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List open alerts by kind (the default subcommand).")

    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("patient"), help: "Only alerts about this patient id.") var patientID: String?
    @Option(help: "Only alerts of this kind.") var kind: CoverageAlert.Kind?
    @Flag(help: "Include acknowledged alerts.") var all = false

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let list = try options.application().alerts(patientID: patientID, kind: kind, all: all)
            if let unreadable = list.unreadableRows {
                FileHandle.standardError.write(
                    Data(
                        "note: \(unreadable) row(s) cannot be read yet (a field still to arrive, or a value outside the rules) and take no part\n"
                            .utf8))
            }
            if options.json { return Output.json(list) }
            if list.alerts.isEmpty { return print(all ? "No alerts." : "No open alerts.") }
            for alert in list.alerts {
                let mark = alert.acknowledged ? " (acknowledged)" : ""
                print("\(alert.id)\(mark)\n  \(alert.message)")
            }
        }
    }
}
