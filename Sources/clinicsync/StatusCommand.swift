import ArgumentParser
import ClinicSyncDaemon
import Foundation

/// `clinicsync status`: the site at a glance, whether or not the daemon runs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the site, its daemon, its database and each peer's sync state.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await reportingFailures { () async throws(ApplicationError) in
            let report = try await options.application().status()
            if options.json { return Output.json(report) }
            let daemonLine =
                report.daemon.running
                ? "running (pid \(report.daemon.pid ?? 0), up \(report.daemon.uptimeSeconds ?? 0)s)"
                : "not running (read from the store directly)"
            let recovering: [(String, String)] =
                report.recoveringFrom.isEmpty
                ? []
                : [
                    (
                        "recovering",
                        "after a restore: sync with \(report.recoveringFrom.joined(separator: ", ")) to get back the changes made after the backup"
                    )
                ]
            let unsealed: [(String, String)] =
                report.unsealedChanges == 0
                ? []
                : [
                    (
                        "unsigned",
                        "\(report.unsealedChanges)\(report.unsealedChangesExceedLimit == true ? "+" : "") change(s) of this site not signed "
                            + "yet: peers get them once the daemon signs them"
                            + (report.recoveringFrom.isEmpty ? " (before it serves)" : " (after the restore's recovery)")
                    )
                ]
            let identity: [(String, String)] = report.identityConflicts.map { ("identity", $0) }
            let clockWarning: [(String, String?)] = report.clockWarning.map { [("clock warning", $0)] } ?? []
            let held: [(String, String)] = report.heldOrigins.map { held in
                ("held", "\(held.message) (since \(held.since), last tried \(held.checked))")
            }
            Output.fields(
                [
                    ("site", report.siteID), ("fingerprint", report.fingerprint ?? "none (run clinicsync init)"),
                    ("version", report.version), ("daemon", daemonLine),
                    ("database", "\(report.database) (\(report.databaseBytes) bytes, schema \(report.schemaVersion))"),
                    ("appointments", String(report.appointments)), ("prescriptions", String(report.prescriptions)),
                    ("change log", "\(report.changeLogEntries) entries"), ("deleted rows", String(report.deletedRows)),
                    ("conflicts", String(report.conflicts)),
                    (
                        "alerts",
                        (report.openAlerts.isEmpty
                            ? "none open"
                            : "\(report.openAlerts.values.reduce(0, +)) open: "
                                + report.openAlerts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                                + " (`clinicsync alerts`)") + "; days in \(report.alertTimeZone)"
                    ),
                    ("clock", report.clock),
                    ("drift bound", "\(report.driftBound) (the smallest any site of the fleet reported)"),
                ] + clockWarning + [
                    ("holds", report.holds.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
                    ("compaction", report.compaction),
                ] + recovering + unsealed + identity + held)
            guard !report.peers.isEmpty else { return Swift.print("peers         none configured") }
            Swift.print("")
            Output.table(
                ["PEER", "URL", "LAST_ATTEMPT", "LAST_SUCCESS", "WAITING", "RECEIVED", "SENT", "LAST_ERROR"],
                report.peers.map { peer in
                    [
                        peer.name, peer.url, peer.lastAttempt ?? "never", peer.lastSuccess ?? "never",
                        "\(peer.waiting)\(peer.waitingExceedsLimit == true ? "+" : "")",
                        String(peer.received), String(peer.sent),
                        (peer.clockProblem ? "[clock] " : "") + (peer.lastError ?? ""),
                    ]
                })
        }
    }
}
