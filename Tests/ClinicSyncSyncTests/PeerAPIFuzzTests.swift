import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import PropertyBased
import Testing

/// Random mutations of a valid push, in process: the peer API answers each with 200 or a 4xx,
/// never a 5xx, and keeps serving. (The CLI tests run a shorter pass against a real daemon, whose
/// store checks what gets through.)
@Suite("Fuzzing the peer API (in process)")
struct PeerAPIFuzzTests {
    /// A valid push body from `origin` with `count` changes to one row.
    static func validBatch(origin: String, count: Int) -> Data {
        let now = Int64(1_800_000_000_000) << 16
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

    @Test("10,000 random mutations of a valid batch: 200 or 4xx, never a 5xx, and a valid push still applies")
    func mutationsNeverBreakTheAPI() async throws {
        let feed = MemoryChangeFeed("target")
        let seed = UInt64(Date().timeIntervalSince1970)
        let valid = Self.validBatch(origin: "friend", count: 12)
        let statuses = try await DedicatedExecutor.run {
            try await PeerAPIHarness.application(serving: feed, to: ["friend"]).test(.router) { client in
                var random = Xoshiro(seed: (7, 11, 13, seed))
                var statuses: [Int: Int] = [:]
                let headers = PeerAPIHarness.headers(from: "friend", to: "target")
                for attempt in 0..<10_000 {
                    let path = attempt % 10 == 0 ? "/v3/pull" : "/v3/push"
                    let response = try await client.execute(
                        uri: path, method: .post, headers: headers, body: ByteBuffer(data: Self.mutate(valid, using: &random)))
                    statuses[Int(response.status.code), default: 0] += 1
                }
                // Changes of an origin no mutated batch named, so none of them can be a duplicate.
                let fresh = Self.validBatch(origin: "relayed-origin", count: 3)
                let response = try await client.execute(uri: "/v3/push", method: .post, headers: headers, body: ByteBuffer(data: fresh))
                #expect(response.status == .ok)
                let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(answer?["applied"] as? Int == 3, "\(String(buffer: response.body))")
                return statuses
            }
        }
        #expect(statuses.keys.allSatisfy { $0 == 200 || (400..<500).contains($0) }, "seed \(seed): answers by status \(statuses)")
        #expect(statuses.keys.contains { (400..<500).contains($0) })
    }
}
