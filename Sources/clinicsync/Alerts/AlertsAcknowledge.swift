import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync alerts ack ID`
struct AlertsAcknowledge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Acknowledge an alert: it is hidden at every site after sync, until the ids it names change.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var write: RecordWriteOptions
    @Argument(help: "The alert's id, as `clinicsync alerts` prints it.") var id: String
    @Option(help: "What was done about it.") var note: String?
    @Option(help: "Who acknowledges it (default: the user running this command).") var by: String?

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            guard let who = by ?? CoverageDefaults.operatorName(), !who.isEmpty else {
                throw ApplicationError(.usage, "--by: who acknowledges the alert is required (no user name to default to)")
            }
            let acknowledgement = try options.application().acknowledgeAlert(id: id, by: who, note: note.flatMap(optionalText), force: write.force)
            if options.json { return Output.json(acknowledgement) }
            if acknowledgement.alreadyAcknowledged {
                let by = acknowledgement.acknowledgedBy ?? "-"
                let at = acknowledgement.acknowledgedAt ?? "-"
                return print(
                    "\(acknowledgement.alertID) was acknowledged already, by \(by) at \(acknowledgement.site ?? "-") on \(at); nothing was changed.")
            }
            print("Acknowledged \(acknowledgement.alertID).")
        }
    }
}
