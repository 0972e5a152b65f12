import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation

/// A second database under a site's id: a cloned VM whose disk got a fresh `clinicsync init` (the
/// site's key files copied with it). It books a visit and syncs with one of the site's peers, which
/// must refuse it (`identity_conflict`, naming both databases) and apply nothing of it. The
/// operator then shuts the clone down and clears the conflict at the peer.
enum Impostor {
    struct Outcome {
        let detail: String
        /// A violation, if the peer did not refuse the clone as it must.
        let problem: String?
    }

    /// `nil` when `peer` has not yet heard which database `site` runs on (the first one heard is
    /// the one it keeps; nothing to test then).
    static func run(cloning site: ChaosSite, peer: ChaosSite, root: String, binary: String) throws -> Outcome? {
        let known = try peer.sqlite("SELECT incarnation FROM known_incarnations WHERE site = '\(site.name)' AND incarnation IS NOT NULL;")
        guard known.status == 0, !known.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        let clone = try ChaosSite(
            name: site.name, root: root + "/impostor-\(UUID().uuidString.prefix(8))", binary: binary,
            clockOffsetMilliseconds: site.clockOffsetMilliseconds, compactionSeconds: 0)
        defer {
            clone.watchdog.close()
            LoopbackPorts.release([clone.port, clone.metricsPort])
            try? FileManager.default.removeItem(atPath: clone.directory)
        }
        for suffix in [".key.pem", ".cert.pem"] {
            try FileManager.default.copyItem(atPath: site.databasePath + suffix, toPath: clone.databasePath + suffix)
        }
        clone.fleet = site.fleet
        clone.compression = site.compression
        // Straight to the peer, not through a faulty link: the refusal is what is under test.
        try clone.configure(peers: [(peer.name, peer.port)])
        let initialized = try clone.run(["init"])
        guard initialized.status == 0 else { throw ChaosError.setup("init of a clone of \(site.name) failed: \(initialized.stderr)") }
        let row = UUID().uuidString.lowercased()
        guard try clone.sqlite("INSERT INTO appointments (id, patient_id) VALUES ('\(row)', 'p-clone');").status == 0 else {
            throw ChaosError.setup("the clone of \(site.name) could not write")
        }
        let round = try clone.syncNow()
        let error = round.peers.first?.error ?? round.stderr
        let leaked = try peer.run(["appointment", "show", row]).status == 0
        var problems: [String] = []
        // A peer whose configuration dropped the site for a while (a reload fault) refuses any caller
        // in its name as unknown: refused too, with no conflict to clear.
        let unknown = round.status != 0 && error.contains("unknown_peer")
        if round.status == 0 || !(error.contains("identity_conflict") || unknown) {
            problems.append("\(peer.name) did not refuse a second database of \(site.name) (exit \(round.status)): \(error)")
        }
        if leaked { problems.append("\(peer.name) applied a visit booked in a second database of \(site.name)") }
        let cleared = unknown ? nil : try peer.run(["identity", "clear-conflict", site.name])
        if let cleared, cleared.status != 0 {
            problems.append("clearing the identity conflict of \(site.name) at \(peer.name) failed: \(cleared.stderr)")
        }
        return Outcome(
            detail: "sync now -> exit \(round.status)" + (cleared.map { ", clear-conflict -> exit \($0.status)" } ?? " (unknown peer there now)"),
            problem: problems.isEmpty ? nil : problems.joined(separator: "; "))
    }
}
