import ClinicSyncTestSupport
import Foundation
import Testing

/// Live sync: new changes leave a site as soon as it holds them, not at its next round. Every site
/// here syncs on an hourly interval, so only live sync can explain a delivery within the test.
@Suite("Live sync: a write reaches the other sites without waiting for the timer", .serialized)
struct LiveSyncTests {
    /// Waits (up to `seconds`) until `site` shows appointment `id`; whether it did.
    static func arrives(_ id: String, at site: SiteProcess, within seconds: Double = 20) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try site.cli.run(["appointment", "show", id]).status == 0 { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    @Test("line A-B-C: a booking at A and a write by another program at C each reach the far end through B, with no sync now")
    func relaysAlongALine() throws {
        let line = try SiteProcess.line("live-a", "live-b", "live-c")
        let (a, b, c) = (line[0], line[1], line[2])
        for site in line { try site.start() }
        let booked = try a.addAppointment(patient: "pa")
        #expect(try Self.arrives(booked, at: c), "A's booking did not reach C: \(b.log())")
        let written = UUID().uuidString.lowercased()
        _ = try c.cli.sqlite3(
            """
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(written)', 'pc', 'N', 'T', 'live-c', '2026-12-01T10:30:00Z', 30, 2, 'scheduled');
            """)
        #expect(try Self.arrives(written, at: a), "C's write by another program did not reach A: \(b.log())")
        #expect(try a.state() == c.state())
        for site in line { #expect(site.stop() == 0, "\(site.name): \(site.log())") }
    }

    @Test("an unreachable peer keeps its backoff: writes while it is down do not retry it once each")
    func unreachablePeerIsNotRetriedPerWrite() throws {
        let site = try SiteProcess("lonely")
        let absent = try SiteProcess("absent")
        try site.configure(peers: [absent])
        try site.start()
        let failures = { site.log().components(separatedBy: "sync with peer failed").count - 1 }
        let deadline = Date().addingTimeInterval(10)
        while failures() == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(failures() == 1, "the first round should fail once: \(site.log())")
        for index in 0..<5 {
            try site.addAppointment(patient: "p\(index)")
            Thread.sleep(forTimeInterval: 0.3)
        }
        // A retry would take up to the 3-second connect timeout to fail and be logged.
        Thread.sleep(forTimeInterval: 5)
        #expect(failures() == 1, "a write retried the unreachable peer: \(site.log())")
        #expect(site.stop() == 0)
    }

    @Test("a peer that was down when this site started, and so is backed off, gets live changes once it calls in")
    func peerBackFromDownIsTriedAgain() throws {
        let early = try SiteProcess("early")
        let late = try SiteProcess("late")
        try early.configure(peers: [late])
        try late.configure(peers: [early])
        try early.start()
        let deadline = Date().addingTimeInterval(10)
        while !early.log().contains("sync with peer failed") && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(early.log().contains("sync with peer failed"), "early's first round should fail: \(early.log())")
        // late starts and calls early (its first round): early now knows late is up.
        try late.start()
        Thread.sleep(forTimeInterval: 1)
        let booked = try early.addAppointment()
        #expect(try Self.arrives(booked, at: late), "early kept backing off a peer that had called in: \(early.log())")
        for site in [early, late] { #expect(site.stop() == 0) }
    }

    @Test("with sync.live false a write waits for the round, as configured")
    func liveSyncCanBeTurnedOff() throws {
        let first = try SiteProcess("quiet-a")
        let second = try SiteProcess("quiet-b")
        try first.configure(peers: [second], live: false)
        try second.configure(peers: [first], live: false)
        for site in [first, second] { try site.start() }
        let booked = try first.addAppointment()
        #expect(try !Self.arrives(booked, at: second, within: 2))
        #expect(try first.syncNow().status == 0)
        #expect(try second.cli.run(["appointment", "show", booked]).status == 0)
        for site in [first, second] { #expect(site.stop() == 0) }
    }
}
