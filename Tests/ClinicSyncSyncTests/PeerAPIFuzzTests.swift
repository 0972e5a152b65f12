import ClinicSyncTestSupport
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
    @Test("10,000 random mutations of a valid batch: 200 or 4xx, never a 5xx, and a valid push still applies")
    func mutationsNeverBreakTheAPI() async throws {
        let feed = MemoryChangeFeed("target")
        let seed = UInt64(Date().timeIntervalSince1970)
        let valid = PeerAPIFuzzing.validBatch(origin: "friend", count: 12)
        let statuses = try await PeerAPIHarness.application(serving: feed, to: ["friend"]).test(.router) { client in
            var random = Xoshiro(seed: (7, 11, 13, seed))
            var statuses: [Int: Int] = [:]
            let headers = PeerAPIHarness.headers(from: "friend", to: "target")
            for attempt in 0..<10_000 {
                let path = attempt % 10 == 0 ? "/v3/pull" : "/v3/push"
                let response = try await client.execute(
                    uri: path, method: .post, headers: headers, body: ByteBuffer(data: PeerAPIFuzzing.mutate(valid, using: &random)))
                statuses[Int(response.status.code), default: 0] += 1
            }
            // Changes of an origin no mutated batch named, so none of them can be a duplicate.
            let fresh = PeerAPIFuzzing.validBatch(origin: "relayed-origin", count: 3)
            let response = try await client.execute(uri: "/v3/push", method: .post, headers: headers, body: ByteBuffer(data: fresh))
            #expect(response.status == .ok)
            let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(answer?["applied"] as? Int == 3, "\(String(buffer: response.body))")
            return statuses
        }
        #expect(statuses.keys.allSatisfy { $0 == 200 || (400..<500).contains($0) }, "seed \(seed): answers by status \(statuses)")
        #expect(statuses.keys.contains { (400..<500).contains($0) })
    }
}
