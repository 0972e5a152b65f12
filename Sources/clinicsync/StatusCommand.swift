import ArgumentParser
import ClinicSyncDaemon
import Foundation

/// `clinicsync status`: the site at a glance, whether or not the daemon runs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the site, its daemon, its database and each peer's sync state.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await reportingFailures {
            let report = try await ManualSync.status(configuration: try options.loadConfiguration())
            if options.json { return try Output.json(report) }
            let daemonLine = report.daemon.running
                ? "running (pid \(report.daemon.pid ?? 0), up \(report.daemon.uptime_seconds ?? 0)s)"
                : "not running (read from the store directly)"
            let recovering: [(String, String)] = report.recovering_from.isEmpty ? [] : [
                ("recovering", "after a restore: sync with \(report.recovering_from.joined(separator: ", ")) to get back the changes made after the backup"),
            ]
            let unsealed: [(String, String)] = report.unsealed_changes == 0 ? [] : [
                ("unsigned", "\(report.unsealed_changes)\(report.unsealed_changes_exceed_limit == true ? "+" : "") change(s) of this site not signed yet: peers get them once the daemon signs them"
                    + (report.recovering_from.isEmpty ? " (before it serves)" : " (after the restore's recovery)")),
            ]
            let identity: [(String, String)] = report.identity_conflicts.map { ("identity", $0) }
            let clockWarning: [(String, String?)] = report.clock_warning.map { [("clock warning", $0)] } ?? []
            let held: [(String, String)] = report.held_origins.map { held in
                ("held", "\(held.message) (since \(held.since), last tried \(held.checked))")
            }
            Output.fields([
                ("site", report.site_id), ("fingerprint", report.fingerprint ?? "none (run clinicsync init)"),
                ("version", report.version), ("daemon", daemonLine),
                ("database", "\(report.database) (\(report.database_bytes) bytes, schema \(report.schema_version))"),
                ("appointments", String(report.appointments)), ("prescriptions", String(report.prescriptions)),
                ("change log", "\(report.change_log_entries) entries"), ("deleted rows", String(report.deleted_rows)),
                ("conflicts", String(report.conflicts)), ("clock", report.clock),
                ("drift bound", "\(report.drift_bound) (the smallest any site of the fleet reported)"),
            ] + clockWarning + [
                ("holds", report.holds.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
                ("compaction", report.compaction),
            ] + recovering + unsealed + identity + held)
            guard !report.peers.isEmpty else { return Swift.print("peers         none configured") }
            Swift.print("")
            Output.table(
                ["PEER", "URL", "LAST_ATTEMPT", "LAST_SUCCESS", "WAITING", "RECEIVED", "SENT", "LAST_ERROR"],
                report.peers.map { peer in
                    [peer.name, peer.url, peer.last_attempt ?? "never", peer.last_success ?? "never", "\(peer.waiting)\(peer.waiting_exceeds_limit == true ? "+" : "")",
                     String(peer.received), String(peer.sent),
                     (peer.clock_problem ? "[clock] " : "") + (peer.last_error ?? "")]
                })
        }
    }
}
