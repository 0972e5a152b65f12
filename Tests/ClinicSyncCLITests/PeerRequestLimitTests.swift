import ClinicSyncTestSupport
import Foundation
import Testing

/// "Bounded work per request" (issue 10): a slow or greedy peer ties up only its own requests.
@Suite("The peer API bounds what one peer can hold", .serialized)
struct PeerRequestLimitTests {
    /// Opens four pushes whose bodies stall, then a fifth request, then (once the four are
    /// answered) a sixth; prints the HTTP statuses as JSON.
    static let script = #"""
        import json, socket, sys, time
        port, secret, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        def head(length):
            return ("POST /v3/push HTTP/1.1\r\nHost: x\r\nClinicSync-Protocol: 3\r\nClinicSync-Schema: \#(PeerSchemaHeader.value)\r\n"
                    "ClinicSync-Site: friend\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
                    "Content-Length: %d\r\n\r\n" % (secret, length)).encode()
        def status(sock):
            sock.settimeout(30)
            data = sock.recv(4096).decode()
            return data.split(" ")[1] if data else "closed"
        stalled = []
        for _ in range(4):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(head(1000) + b'{"changes":[')
            stalled.append(sock)
        time.sleep(0.5)
        fifth = socket.create_connection(("127.0.0.1", port))
        fifth.sendall(head(2) + b"{}")
        fifth_status = status(fifth)
        open(marker, "w").write(fifth_status)
        started = time.time()
        stalled_statuses = [status(sock) for sock in stalled]
        elapsed = time.time() - started
        sixth = socket.create_connection(("127.0.0.1", port))
        sixth.sendall(head(2) + b"{}")
        print(json.dumps({"fifth": fifth_status, "stalled": stalled_statuses, "elapsed": elapsed, "sixth": status(sixth)}))
        """#

    @Test(
        "four stalled pushes from one peer: a fifth gets 429, the stalled ones 408 at the deadline; meanwhile another peer syncs and /health answers"
    )
    func slowAndGreedyPeer() async throws {
        let target = try await SiteProcess("target")
        let friend = try await SiteProcess("friend")
        let other = try await SiteProcess("other")
        try await target.configure(peers: [friend, other])
        try await other.configure(peers: [target])
        // The stalled requests are held until this deadline; the other peer's round and /health must
        // be answered well before it (6 s leaves a loaded test machine room; 3 s did not, at 2.8 s).
        try await target.start(environment: ["CLINICSYNC_SYNC_TIMEOUT_SECONDS": "6"])
        try await target.addAppointment(patient: "p1")
        let directory = target.cli.directory
        try Self.script.write(toFile: directory + "/greedy.py", atomically: true, encoding: .utf8)
        let marker = directory + "/fifth-answered"
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = [directory + "/greedy.py", String(target.port), SiteConfigurationFile.secret("target", "friend"), marker]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }

        // While friend's four requests stall, another peer syncs and the health check answers.
        let started = Date()
        #expect(try await other.syncNow().status == 0)
        let health = try await LoopbackHTTP.get("http://127.0.0.1:\(target.metricsPort)/health")
        #expect(!health.isEmpty && Date().timeIntervalSince(started) < 5, "\(Date().timeIntervalSince(started)) s")
        #expect(try await other.state() == target.state())

        await python.exited()
        /// What the script prints: the status of each request it made, and how long the stalled ones took.
        struct Report: Decodable {
            var fifth: String
            var stalled: [String]
            var elapsed: Double
            var sixth: String
        }
        let report = try JSONDecoder().decode(Report.self, from: output.fileHandleForReading.readDataToEndOfFile())
        #expect(report.fifth == "429", "\(report)")
        #expect(report.stalled == ["408", "408", "408", "408"], "\(report)")
        #expect(report.elapsed < 9, "\(report)")
        #expect(report.sixth == "400", "slots are given back: \(report)")
        #expect(target.log().contains("too_many_requests") && target.log().contains("request_timeout"))
        #expect(target.isRunning)
    }
}
