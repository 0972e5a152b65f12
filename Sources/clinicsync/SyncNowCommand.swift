import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync sync now`: one round now, through the running daemon or, without one, in-process.
struct SyncNowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "now",
        abstract: "Sync with every peer (or one) now and wait for the round to finish.",
        discussion: """
            Asks the running daemon over its control socket; with no daemon running, performs the same \
            round itself (a lock keeps two rounds from running against one store). Exits 0 only if every \
            peer succeeded, 69 if one failed.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Sync with this peer only (its name in the configuration).") var peer: String?

    func run() async throws {
        try await reportingFailures {
            let progress = ProgressLine(enabled: !options.json)
            let report: SyncReport
            do {
                report = try await ManualSync.run(configuration: try options.loadConfiguration(), peer: peer) { progress.update($0) }
            } catch let ManualSyncError.daemon(message, isUsage) {
                throw CommandFailure(message: message, status: isUsage ? ExitStatus.usage : ExitStatus.failure)
            }
            progress.finish()
            try print(report)
            guard report.succeeded else {
                throw CommandFailure(
                    message: "sync failed with " + report.peers.filter { !$0.ok }.map(\.peer).joined(separator: ", "),
                    status: ExitStatus.peersFailed)
            }
        }
    }

    private func print(_ report: SyncReport) throws {
        if options.json { return try Output.json(report) }
        Output.table(
            ["PEER", "RESULT", "SENT", "RECEIVED", "CONFLICTS", "BYTES_OUT", "BYTES_IN", "DURATION", "ERROR"],
            report.peers.map { peer in
                [peer.peer, peer.ok ? "ok" : "FAILED", String(peer.sent), String(peer.received), String(peer.conflicts),
                 String(peer.bytes_out), String(peer.bytes_in), "\(peer.duration_ms) ms", peer.error ?? ""]
            })
        for peer in report.peers {
            for held in peer.held ?? [] {
                Swift.print(held.where == "here" ? "held here (from \(peer.peer)): \(held.message)" : "held at \(peer.peer): \(held.message)")
            }
        }
    }
}
