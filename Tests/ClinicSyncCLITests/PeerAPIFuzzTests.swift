import Foundation
import PropertyBased
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The long pass runs in process (ClinicSyncSyncTests); this one reaches the real store.
@Suite("Fuzzing the peer API", .serialized)
struct PeerAPIFuzzTests {
    /// A valid push body from `origin` with `count` changes, as bytes.
    static func validBatch(origin: String, count: Int) -> Data {
        let now = Int64(Date().timeIntervalSince1970 * 1000) << 16
        let row = UUID().uuidString.lowercased()
        let columns: [(String, Any)] = [("patient_id", "p1"), ("therapist", "Sam"), ("minutes", 30), ("status", "scheduled"), ("notes", NSNull())]
        let changes: [[String: Any]] = (0..<count).map { index in
            let (column, value) = columns[index % columns.count]
            return [
                "table": "appointments", "row_id": row, "op": "write", "values": [column: value],
                "hlc": now + Int64(index), "origin": origin, "seq": index + 1, "seen": [String: Int](),
            ]
        }
        return try! JSONSerialization.data(withJSONObject: [
            "changes": changes, "through": [String: Int](), "proofs": [String: Any](),
            "report": ["site": origin, "vector": [String: Int](), "peers": [String](), "at": 1],
        ])
    }

    /// One random mutation: flip, insert, delete or duplicate bytes, truncate, or splice in a token
    /// that often breaks JSON, types or limits.
    static func mutate(_ data: Data, using random: inout Xoshiro) -> Data {
        var bytes = [UInt8](data)
        let tokens = [
            "null", "-1", "\"\"", "[]", "{}", "1e309", "\"appointments\"", "\"delete\"", "\"' OR 1=1 --\"",
            "9223372036854775807", "\"\\u0000\"", String(repeating: "9", count: 40),
        ]
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0...5, using: &random) {
            case 0: bytes[position] ^= UInt8.random(in: 1...255, using: &random)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 2: bytes.remove(at: position)
            case 3: bytes = Array(bytes.prefix(position))
            case 4: bytes.insert(contentsOf: Array(tokens.randomElement(using: &random)!.utf8), at: position)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return Data(bytes)
    }

    @Test("500 random mutations of a valid batch against a real daemon and store: no 5xx, no crash, and it still syncs correctly")
    func mutationsNeverBreakTheDaemon() async throws {
        let target = try SiteProcess("target")
        let friend = try SiteProcess("friend")
        try target.configure(peers: [friend])
        try friend.configure(peers: [target])
        try target.start()
        try target.addAppointment()
        var random = Xoshiro(seed: (7, 11, 13, UInt64(Date().timeIntervalSince1970)))
        // Changes relayed from a third site, so that both real sites must end up holding them.
        let valid = Self.validBatch(origin: "elsewhere", count: 12)
        var statuses: [Int: Int] = [:]
        for attempt in 0..<500 {
            var request = URLRequest(url: URL(string: target.url + (attempt % 10 == 0 ? "/v3/pull" : "/v3/push"))!)
            request.httpMethod = "POST"
            for (name, value) in PeerAPIRefusalTests.goodHeaders { request.setValue(value, forHTTPHeaderField: name) }
            request.httpBody = Self.mutate(valid, using: &random)
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            statuses[status, default: 0] += 1
        }
        #expect(statuses.keys.allSatisfy { $0 == 200 || (400..<500).contains($0) }, "answers by status: \(statuses)")
        #expect(statuses.keys.contains { (400..<500).contains($0) })
        #expect(target.isRunning)
        // Whatever the mutations got applied, a real peer still converges with the target.
        try friend.addAppointment(patient: "p2")
        let first = try friend.syncNow()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try friend.state() == target.state())
        let check = try target.cli.run(["appointment", "list", "--json"])
        #expect(check.status == 0)
        print("fuzz answers by status: \(statuses.sorted { $0.key < $1.key })")
    }
}
