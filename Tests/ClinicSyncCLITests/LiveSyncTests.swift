import ClinicSyncTestSupport
import Foundation
import Testing

/// Live sync: new changes leave a site as soon as it holds them, not at its next round. Every site
/// here syncs on an hourly interval, so only live sync can explain a delivery within the test.
@Suite("Live sync: a write reaches the other sites without waiting for the timer", .serialized)
struct LiveSyncTests {
    /// Waits (up to `seconds`) until `site` shows appointment `id`; whether it did.
    static func arrives(_ id: String, at site: SiteProcess, within seconds: Double = 20) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await site.cli.run(["appointment", "show", id]).status == 0 { return true }
            try await Task.sleep(for: .seconds(0.1))
        }
        return false
    }

    @Test("line A-B-C: a booking at A and a write by another program at C each reach the far end through B, with no sync now")
    func relaysAlongALine() async throws {
        let line = try await SiteProcess.line("live-a", "live-b", "live-c")
        let (a, b, c) = (line[0], line[1], line[2])
        for site in line { try await site.start() }
        let booked = try await a.addAppointment(patient: "pa")
        #expect(try await Self.arrives(booked, at: c), "A's booking did not reach C: \(b.log())")
        let written = UUID().uuidString.lowercased()
        _ = try await c.cli.sqlite3(
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(written)', 'pc', 'N', 'T', 'live-c', '2026-12-01T10:30:00Z', 30, 2, 'scheduled');
            """)
        #expect(try await Self.arrives(written, at: a), "C's write by another program did not reach A: \(b.log())")
        #expect(try await a.state() == c.state())
        for site in line { #expect(await site.stop() == 0, "\(site.name): \(site.log())") }
    }

    @Test("an unreachable peer keeps its backoff: writes while it is down do not retry it once each")
    func unreachablePeerIsNotRetriedPerWrite() async throws {
        let site = try await SiteProcess("lonely")
        let absent = try await SiteProcess("absent")
        try await site.configure(peers: [absent])
        try await site.start()
        let failures = { site.log().components(separatedBy: "sync with peer failed").count - 1 }
        let deadline = Date().addingTimeInterval(10)
        while failures() == 0 && Date() < deadline { try await Task.sleep(for: .seconds(0.1)) }
        #expect(failures() == 1, "the first round should fail once: \(site.log())")
        for index in 0..<5 {
            try await site.addAppointment(patient: "p\(index)")
            try await Task.sleep(for: .seconds(0.3))
        }
        // A retry would take up to the 3-second connect timeout to fail and be logged.
        try await Task.sleep(for: .seconds(5))
        #expect(failures() == 1, "a write retried the unreachable peer: \(site.log())")
        #expect(await site.stop() == 0)
    }

    @Test("a peer that was down when this site started, and so is backed off, gets live changes once it calls in")
    func peerBackFromDownIsTriedAgain() async throws {
        let early = try await SiteProcess("early")
        let late = try await SiteProcess("late")
        try await early.configure(peers: [late])
        try await late.configure(peers: [early])
        try await early.start()
        let deadline = Date().addingTimeInterval(10)
        while !early.log().contains("sync with peer failed") && Date() < deadline { try await Task.sleep(for: .seconds(0.1)) }
        #expect(early.log().contains("sync with peer failed"), "early's first round should fail: \(early.log())")
        // late starts and calls early (its first round): early now knows late is up.
        try await late.start()
        try await Task.sleep(for: .seconds(1))
        let booked = try await early.addAppointment()
        #expect(try await Self.arrives(booked, at: late), "early kept backing off a peer that had called in: \(early.log())")
        for site in [early, late] { #expect(await site.stop() == 0) }
    }

    @Test("with sync.live false a write waits for the round, as configured")
    func liveSyncCanBeTurnedOff() async throws {
        let first = try await SiteProcess("quiet-a")
        let second = try await SiteProcess("quiet-b")
        try await first.configure(peers: [second], live: false)
        try await second.configure(peers: [first], live: false)
        for site in [first, second] { try await site.start() }
        let booked = try await first.addAppointment()
        #expect(try await !Self.arrives(booked, at: second, within: 2))
        #expect(try await first.syncNow().status == 0)
        #expect(try await second.cli.run(["appointment", "show", booked]).status == 0)
        for site in [first, second] { #expect(await site.stop() == 0) }
    }
}
