import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync audit ...`: the console's access log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Who viewed which patient's data in the web console (local to this site).",
        subcommands: [AuditList.self], defaultSubcommand: AuditList.self)
}

/// `clinicsync audit list`
struct AuditList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The access log, newest first.")

    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("patient-id"), help: "Only views of this patient.") var patientID: String?
    @Option(help: "Only views by this console account.") var account: String?
    @Option(help: "At most this many entries (default 200).") var limit = 200

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let entries = try options.application().accessLog(patientID: patientID, account: account, limit: limit)
            if options.json { return Output.json(entries) }
            if entries.isEmpty { return print("No views recorded.") }
            Output.table(["AT", "ACCOUNT", "PATIENT_ID", "PAGE"], entries.map { [$0.at, $0.account, $0.patientID, $0.page] })
        }
    }
}
