import ClinicSyncTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Finding 3 of the "sync keeps flowing" issue: store calls block their thread, and on Swift's
/// cooperative pool (one thread per core) they starved the peer API, the control socket and the
/// systemd watchdog. Here another program holds the database's write lock while four pushes wait
/// for it: the daemon must keep answering everything that does not need the lock.
@Suite("A busy store blocks nothing else", .serialized)
struct BusyStoreTests {
    @Test("while writers wait out another program's lock, /health, the control socket and the watchdog answer within a second")
    func waitingWritersStarveNothing() async throws {
        let notify = try NotifySocket()
        let target = try await SiteProcess("target")
        let friend = try await SiteProcess("friend")
        try await target.configure(peers: [friend])
        try await target.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"])
        #expect(try await notify.waitFor("WATCHDOG=1"))

        // Another program takes the write lock and holds it until the checks are done (two minutes at
        // most: the other tests running in this process can slow its steps down a lot).
        let database = target.cli.directory + "/data/target.sqlite"
        let release = target.cli.directory + "/release-lock"
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        locker.arguments = [
            database, ".timeout 10000", "BEGIN EXCLUSIVE;", ".system for i in $(seq 1200); do [ -f \(release) ] && break; sleep 0.1; done", "COMMIT;",
        ]
        try locker.run()
        try await Task.sleep(for: .milliseconds(300))

        // Four pushes from the peer: each waits for the lock inside the daemon (verification included).
        let pushURL = URL(string: target.url + "/v3/push")!
        let pushes = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var request = URLRequest(url: pushURL, timeoutInterval: 30)
                        request.httpMethod = "POST"
                        for (name, value) in PeerAPIRefusalTests.goodHeaders { request.setValue(value, forHTTPHeaderField: name) }
                        request.httpBody = PeerAPIRefusalTests.push([PeerAPIRefusalTests.change([:])])
                        let (_, response) = try await URLSession.shared.data(for: request)
                        return (response as? HTTPURLResponse)?.statusCode ?? 0
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .seconds(1))
        let heartbeatsBefore = notify.messages.filter { $0.contains("WATCHDOG=1") }.count
        // Timed by a separate process, so that the other tests running in this one cannot delay
        // the measurement.
        let latencies = try await Self.measureLatencies(
            health: "http://127.0.0.1:\(target.metricsPort)/health", controlSocket: target.cli.directory + "/run/control.sock")
        #expect(latencies.errors.isEmpty, "\(latencies.errors)")
        #expect(latencies.health.count == 3 && latencies.health.allSatisfy { $0 < 1 }, "/health: \(latencies.health) s")
        #expect(latencies.control.count == 3 && latencies.control.allSatisfy { $0 < 1 }, "control socket: \(latencies.control) s")
        let heartbeats = notify.messages.filter { $0.contains("WATCHDOG=1") }.count - heartbeatsBefore
        #expect(heartbeats >= 2, "\(heartbeats) watchdog heartbeats in about 2 s while writers waited")
        #expect(locker.isRunning, "the lock was held throughout the checks")
        _ = FileManager.default.createFile(atPath: release, contents: nil)

        let statuses = try await pushes.value
        // Each push was answered once the lock was released (422: its hand-made change carries no
        // signature, which is checked in the apply transaction, behind the lock), or, if it waited
        // longer than the busy timeout (10 s), 503 store_busy (the pusher tries again next round).
        #expect(statuses.allSatisfy { $0 == 422 || $0 == 503 } && statuses.count == 4, "\(statuses)")
        await locker.exited()
    }

    /// Three rounds, half a second apart, of `GET /health` and of `GET /v1/status` on the control
    /// socket, timed by `python3`: the seconds each took.
    static func measureLatencies(health: String, controlSocket: String) async throws -> (health: [Double], control: [Double], errors: [String]) {
        let script = """
            import json, socket, sys, time, urllib.request
            result = {"health": [], "control": [], "errors": []}
            for _ in range(3):
                try:
                    start = time.monotonic()
                    urllib.request.urlopen(sys.argv[1], timeout=10).read()
                    result["health"].append(time.monotonic() - start)
                    start = time.monotonic()
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.settimeout(10)
                    s.connect(sys.argv[2])
                    s.sendall(b"GET /v1/status HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
                    answer = b""
                    while True:
                        chunk = s.recv(4096)
                        if not chunk: break
                        answer += chunk
                    s.close()
                    if b'"pid"' not in answer: result["errors"].append(answer.decode(errors="replace")[:200])
                    result["control"].append(time.monotonic() - start)
                except Exception as error:
                    result["errors"].append(str(error))
                time.sleep(0.5)
            print(json.dumps(result))
            """
        let data = Data(try await ChildProcess.run("/usr/bin/python3", ["-c", script, health, controlSocket]).stdout.utf8)
        /// What the probe script prints: the latencies it measured (seconds) and what failed.
        struct Probe: Decodable {
            var health: [Double]
            var control: [Double]
            var errors: [String]
        }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: data) else {
            return ([], [], ["no result: \(String(decoding: data, as: UTF8.self))"])
        }
        return (probe.health, probe.control, probe.errors)
    }
}
