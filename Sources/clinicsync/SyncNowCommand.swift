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
        try await reportingFailures { () async throws(ApplicationError) in
            let progress = ProgressLine(enabled: !options.json)
            let report = try await options.application().syncNow(peer: peer) { progress.update($0) }
            progress.finish()
            show(report)
            guard report.succeeded else {
                throw ApplicationError(.peersFailed, "sync failed with " + report.peers.filter { !$0.ok }.map(\.peer).joined(separator: ", "))
            }
        }
    }

    private func show(_ report: SyncReport) {
        if options.json { return Output.json(report) }
        Output.table(
            ["PEER", "RESULT", "SENT", "RECEIVED", "CONFLICTS", "BYTES_OUT", "BYTES_IN", "DURATION", "ERROR"],
            report.peers.map { peer in
                [
                    peer.peer, peer.ok ? "ok" : "FAILED", String(peer.sent), String(peer.received), String(peer.conflicts),
                    String(peer.bytesOut), String(peer.bytesIn), "\(peer.durationMilliseconds) ms", peer.error ?? "",
                ]
            })
        for peer in report.peers {
            for held in peer.held ?? [] {
                print(held.where == "here" ? "held here (from \(peer.peer)): \(held.message)" : "held at \(peer.peer): \(held.message)")
            }
        }
    }
}
