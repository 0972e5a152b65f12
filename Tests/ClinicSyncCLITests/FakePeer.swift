import Foundation
import Testing

/// A peer that speaks protocol 2 badly on purpose: a `python3` HTTP server on 127.0.0.1 whose
/// hello is valid, whose pull answer is not, and which records every push body it receives.
final class FakePeer {
    let name: String
    let port: Int
    private let directory: String
    private let process = Process()

    var url: String { "http://127.0.0.1:\(port)" }

    init(name: String) throws {
        self.name = name
        port = try SiteProcess.freePort()
        directory = NSTemporaryDirectory() + "clinicsync-fake-peer-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = directory + "/peer.py"
        try Self.script(name: name, port: port, pushes: directory + "/pushes").write(toFile: script, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !FileManager.default.fileExists(atPath: directory + "/ready") { Thread.sleep(forTimeInterval: 0.05) }
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
                if self.path == "/v2/hello":
                    self.answer(json.dumps({"site": "\(name)", "protocol_version": 2, "schema_version": self.headers.get("ClinicSync-Schema"),
                                            "vector": {}, "accept_encoding": [], "fleet": [REPORT]}))
                elif self.path == "/v2/pull":
                    self.answer('{"changes": [{"not": "a change"}], "more": false, "through": {}}')
                elif self.path == "/v2/push":
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
    @Test("a pull refused because the peer's answer is malformed does not stop the push; the refusal is still reported")
    func pushRunsAfterRefusedPull() throws {
        let fake = try FakePeer(name: "fake")
        let site = try SiteProcess("north")
        try site.configure(peers: [], others: [(fake.name, fake.url)])
        let booking = try site.addAppointment()
        let round = try site.syncNow()
        #expect(round.status != 0, "the refused pull is reported")
        let peer = try #require((round.report["peers"] as? [[String: Any]])?.first)
        #expect((peer["error"] as? String)?.contains("not valid") == true, "\(peer)")
        let pushed = fake.pushes().flatMap { ($0["changes"] as? [[String: Any]]) ?? [] }
        #expect(pushed.contains { $0["row_id"] as? String == booking }, "\(fake.pushes())")
    }

    private static func appointmentIDs(_ site: SiteProcess) throws -> Set<String> {
        let list = try JSONSerialization.jsonObject(with: Data(site.cli.succeed(["appointment", "list", "--json"]).utf8)) as? [[String: Any]]
        return Set((list ?? []).compactMap { $0["id"] as? String })
    }

    /// Finding 5 of the "sync keeps flowing" issue: a copy of a site's database (a cloned disk or
    /// VM) runs under the same site id; each copy numbers its new changes from the same point.
    @Test("a copy of a site's database writing under the same site id is recognised at both ends, held, and released by an operator")
    func clonedDatabaseIsRecognised() throws {
        let original = try SiteProcess("alpha"), clone = try SiteProcess("alpha"), beta = try SiteProcess("beta")
        try original.configure(peers: [beta])
        try clone.configure(peers: [beta])
        try beta.configure(peers: [original])
        try original.addAppointment(patient: "p1")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: clone.cli.databasePath + suffix) }
        _ = try original.cli.succeed(["backup", "--to", clone.cli.databasePath])
        let fromOriginal = try original.addAppointment(patient: "p2")
        let fromClone = try clone.addAppointment(patient: "p3")
        try beta.start()
        #expect(try original.syncNow().status == 0)
        _ = try clone.syncNow()
        // beta names the site and what it saw, and holds the site's changes.
        let conflicts = try beta.status()["identity_conflicts"] as? [String: String] ?? [:]
        #expect(conflicts["alpha"]?.contains("numbered change") == true, "\(conflicts)")
        let cloneConflicts = try clone.status()["identity_conflicts"] as? [String: String] ?? [:]
        #expect(cloneConflicts["alpha"] != nil, "the copy learns of the other database too: \(cloneConflicts)")
        let later = try original.addAppointment(patient: "p4")
        _ = try original.syncNow()
        let atBeta = try Self.appointmentIDs(beta)
        #expect(atBeta.contains(fromOriginal) && !atBeta.contains(fromClone) && !atBeta.contains(later), "\(atBeta)")
        // The operator retires the copy and clears the conflict: the original's changes flow again.
        #expect(clone.stop() == 0)
        _ = try beta.cli.succeed(["identity", "clear-conflict", "alpha"])
        #expect(try original.syncNow().status == 0)
        #expect(try Self.appointmentIDs(beta).contains(later))
        let again = try beta.cli.run(["identity", "clear-conflict", "alpha"])
        #expect(again.status == 66 && again.stderr.contains("no identity conflict"), "\(again.stderr)")
    }
}
