import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// A peer that speaks protocol 3 badly on purpose: a `python3` HTTP server on 127.0.0.1 whose
/// hello is valid, whose pull answer is malformed or forged, and which records every push body it receives.
final class FakePeer {
    let name: String
    let port: Int
    private let directory: String
    private let process = Process()

    var url: String { "http://127.0.0.1:\(port)" }

    /// A peer whose pull answer is `pullAnswer` (default: a change that is not one).
    init(name: String, pullAnswer: String = #"{"changes": [{"not": "a change"}], "more": false, "through": {}, "proofs": {}}"#) async throws {
        self.name = name
        port = try LoopbackPorts.next()
        directory = NSTemporaryDirectory() + "clinicsync-fake-peer-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = directory + "/peer.py"
        try pullAnswer.write(toFile: directory + "/pull.json", atomically: true, encoding: .utf8)
        try Self.script(name: name, port: port, pushes: directory + "/pushes").write(toFile: script, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !FileManager.default.fileExists(atPath: directory + "/ready") { try await Task.sleep(for: .seconds(0.05)) }
    }

    /// The push bodies received, oldest first.
    func pushes() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: directory + "/pushes", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    deinit {
        // SIGKILL: the test process's threads block SIGTERM, and a child inherits the mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func script(name: String, port: Int, pushes: String) -> String {
        """
        import http.server, json, os
        REPORT = {"site": "\(name)", "vector": {}, "peers": [], "at": 0}
        class Peer(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def answer(self, body):
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == "/v3/hello":
                    self.answer(json.dumps({"site": "\(name)", "protocol_version": 3, "schema_version": self.headers.get("ClinicSync-Schema"),
                                            "vector": {}, "accept_encoding": [], "fleet": [REPORT]}))
                elif self.path == "/v3/pull":
                    self.answer(open(os.path.join(os.path.dirname("\(pushes)"), "pull.json")).read())
                elif self.path == "/v3/push":
                    with open("\(pushes)", "a") as f: f.write(body.decode() + "\\n")
                    count = len(json.loads(body)["changes"])
                    self.answer(json.dumps({"applied": count, "duplicates": 0, "conflicts": 0, "vector": {}, "report": REPORT}))
                else:
                    self.send_response(404); self.end_headers()
        server = http.server.HTTPServer(("127.0.0.1", \(port)), Peer)
        open(os.path.join(os.path.dirname("\(pushes)"), "ready"), "w").close()
        server.serve_forever()
        """
    }
}

@Suite("Flow control: one bad answer or origin stops nothing else")
struct FlowControlTests {
    @Test(
        "a pull answered with changes their origins never signed is refused (exit 69, code named), nothing applied, and the push still runs"
    )
    func forgedPullIsRefused() async throws {
        let site = try await SiteProcess("north")
        let booking = try await site.addAppointment()
        // The fake itself, a site outside the fleet, and north's own name (sealed by then: other content under its number).
        for (origin, code) in [("fake", "unsigned_change"), ("mallory", "unknown_origin"), ("north", "chain_mismatch")] {
            let change: [String: Any] = [
                "table": "appointments", "row_id": UUID().uuidString.lowercased(), "op": "write", "values": ["notes": "forged"],
                "origin": origin, "seq": 1, "hlc": Int64(Date().timeIntervalSince1970 * 1000) << 16, "seen": [String: Int](),
            ]
            let answer = try JSONSerialization.data(withJSONObject: [
                "changes": [change], "more": false, "through": [String: Int](), "proofs": [String: Any](),
            ])
            let fake = try await FakePeer(name: "fake", pullAnswer: String(decoding: answer, as: UTF8.self))
            try await site.configure(peers: [], others: [(fake.name, fake.url)])
            let before = try await site.state()
            let round = try await site.syncNow()
            let error = round.peers.first?.error ?? ""
            #expect(round.status == 69 && error.contains(code) && error.contains(origin), "\(origin): \(round.peers)")
            #expect(try await site.state() == before, "\(origin): nothing of the forged batch applied")
            let pushed = fake.pushes().flatMap { ($0["changes"] as? [[String: Any]]) ?? [] }
            #expect(pushed.contains { $0["row_id"] as? String == booking }, "\(origin): the push still ran: \(fake.pushes())")
        }
    }

    @Test("a pull refused because the peer's answer is malformed does not stop the push; the refusal is still reported")
    func pushRunsAfterRefusedPull() async throws {
        let fake = try await FakePeer(name: "fake")
        let site = try await SiteProcess("north")
        try await site.configure(peers: [], others: [(fake.name, fake.url)])
        let booking = try await site.addAppointment()
        let round = try await site.syncNow()
        #expect(round.status != 0, "the refused pull is reported")
        let peer = try #require(round.peers.first)
        #expect(peer.error?.contains("not valid") == true, "\(peer)")
        let pushed = fake.pushes().flatMap { ($0["changes"] as? [[String: Any]]) ?? [] }
        #expect(pushed.contains { $0["row_id"] as? String == booking }, "\(fake.pushes())")
    }
}
