import ClinicSyncCore
import ClinicSyncSync
import Foundation
import Testing

@testable import ClinicSyncDaemon

/// Daemons assembled in this process by the composition root, over real SQLite files and real HTTP
/// on 127.0.0.1: the coordinator's relay passes and reload, without spawning a process.
@Suite("The daemon in process: relay passes and reload", .serialized)
struct DaemonInProcessTests {
    static func appointment(patient: String, at site: InProcessSite) throws -> Appointment {
        Appointment(
            id: try RowID(UUID().uuidString), patientID: patient, patientName: "Patient \(patient)", therapist: "Sam", site: site.name,
            startsAt: try UTCDateTime("2026-12-01T09:30:00Z", field: "starts_at"), minutes: 60, units: nil, status: .scheduled,
            prescriptionID: nil, notes: nil)
    }

    /// Sites in a line, each configured with its neighbours (far sites in `fleet`), live sync off.
    static func line(_ names: String...) throws -> [InProcessSite] {
        let sites = try names.map(InProcessSite.init)
        for (index, site) in sites.enumerated() {
            let neighbours = [index - 1, index + 1].filter(sites.indices.contains)
            try site.configure(
                peers: neighbours.map { sites[$0] },
                fleet: sites.indices.filter { $0 != index && !neighbours.contains($0) }.map { sites[$0] })
        }
        return sites
    }

    @Test("one round at the middle of a line A-B-C relays A's change to C and C's to A (a second pass), and a further round moves nothing")
    func roundRelaysInPasses() async throws {
        let line = try Self.line("site-a", "site-b", "site-c")
        let (a, b, c) = (line[0], line[1], line[2])
        for site in line { try await site.start() }
        for site in line { try await site.settle() }
        let fromA = try a.application.addAppointment(try Self.appointment(patient: "pa", at: a), force: false).rowID
        let fromC = try c.application.addAppointment(try Self.appointment(patient: "pc", at: c), force: false).rowID
        let coordinator = try #require(b.daemon?.coordinator)
        let report = try await coordinator.runRound()
        #expect(report.succeeded)
        let byPeer = Dictionary(uniqueKeysWithValues: report.peers.map { ($0.peer, $0) })
        // B got each site's change from it and passed it to the other: A's to C in the first pass
        // (C is visited after A), C's to A in the second.
        #expect(byPeer["site-a"]?.received == 1 && byPeer["site-a"]?.sent == 1, "\(report)")
        #expect(byPeer["site-c"]?.received == 1 && byPeer["site-c"]?.sent == 1, "\(report)")
        #expect(try c.application.appointment(id: fromA).patientID == "pa")
        #expect(try a.application.appointment(id: fromC).patientID == "pc")
        let again = try await coordinator.runRound()
        #expect(again.peers.allSatisfy { $0.sent == 0 && $0.received == 0 }, "\(again)")
        for site in line { try await site.stop() }
    }

    @Test("reload: a peer added to the file is synced with, a peer removed is no longer accepted, and a broken file changes nothing")
    func reloadTakesPeers() async throws {
        let north = try InProcessSite("north")
        let southSite = try InProcessSite("south")
        let eastSite = try InProcessSite("east")
        try north.configure(peers: [southSite])
        try southSite.configure(peers: [north])
        try eastSite.configure(peers: [north])
        for site in [north, southSite, eastSite] { try await site.start() }
        let daemon = try #require(north.daemon)
        #expect(await daemon.coordinator.peers.map(\.name) == ["south"])
        #expect(!daemon.peers.contains(try SiteID("east")))

        try north.configure(peers: [eastSite])
        await daemon.reloader.reload()
        #expect(await daemon.coordinator.peers.map(\.name) == ["east"])
        let (east, south) = (try SiteID("east"), try SiteID("south"))
        #expect(daemon.peers.contains(east) && !daemon.peers.contains(south))
        let booked = try north.application.addAppointment(try Self.appointment(patient: "pn", at: north), force: false).rowID
        #expect(try await daemon.coordinator.runRound().succeeded)
        #expect(try eastSite.application.appointment(id: booked).patientID == "pn")
        let dropped = try await #require(southSite.daemon).coordinator.runRound()
        #expect(!dropped.succeeded && dropped.peers.first?.error?.contains("unknown_peer") == true, "\(dropped)")

        try "site: [unclosed\n".write(toFile: north.configurationPath, atomically: true, encoding: .utf8)
        await daemon.reloader.reload()
        #expect(await daemon.coordinator.peers.map(\.name) == ["east"], "a broken file must leave the running configuration alone")
        for site in [north, southSite, eastSite] { try await site.stop() }
    }

    @Test("live sync in process: a booking at one site, written while both daemons run, reaches the other with no round asked for")
    func liveSyncDelivers() async throws {
        let north = try InProcessSite("live-north")
        let south = try InProcessSite("live-south")
        try north.configure(peers: [south], live: true)
        try south.configure(peers: [north], live: true)
        for site in [north, south] { try await site.start() }
        for site in [north, south] { try await site.settle() }
        let booked = try north.application.addAppointment(try Self.appointment(patient: "pl", at: north), force: false).rowID
        // A functional bound, far above the latency the benchmark measures, far below the hourly interval.
        var arrived = false
        for _ in 0..<100 where !arrived {
            arrived = (try? south.application.appointment(id: booked)) != nil
            if !arrived { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(arrived, "the booking did not reach the other site without a round being asked for")
        for site in [north, south] { try await site.stop() }
    }

    @Test("a graceful shutdown that comes before the daemon is ready ends it without an error (serve exited 1 on such a SIGTERM)")
    func shutdownBeforeReady() async throws {
        let site = try InProcessSite("early-stop")
        let peer = try InProcessSite("early-peer")
        try site.configure(peers: [peer], live: true)
        // Stopped as soon as the group runs: the scheduler and the live-sync watcher still wait for
        // readiness, and the shutdown must reach them as an ordinary end, not an error.
        for _ in 0..<5 {
            try await site.start(waitingUntilReady: false)
            try await site.stop()
        }
    }
}
