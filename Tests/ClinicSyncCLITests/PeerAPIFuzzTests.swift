import ClinicSyncTestSupport
import Foundation
import PropertyBased
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The long pass runs in process (ClinicSyncSyncTests); this one reaches the real store.
@Suite("Fuzzing the peer API", .serialized)
struct PeerAPIFuzzTests {
    @Test("500 random mutations of a valid batch against a real daemon and store: no 5xx, no crash, and it still syncs correctly")
    func mutationsNeverBreakTheDaemon() async throws {
        let target = try await SiteProcess("target")
        let friend = try await SiteProcess("friend")
        try await target.configure(peers: [friend])
        try await friend.configure(peers: [target])
        try await target.start()
        try await target.addAppointment()
        var random = Xoshiro(seed: (7, 11, 13, UInt64(Date().timeIntervalSince1970)))
        // Changes relayed from a third site, so that both real sites must end up holding them.
        let valid = PeerAPIFuzzing.validBatch(origin: "elsewhere", count: 12)
        var statuses: [Int: Int] = [:]
        for attempt in 0..<500 {
            var request = URLRequest(url: URL(string: target.url + (attempt % 10 == 0 ? "/v3/pull" : "/v3/push"))!)
            request.httpMethod = "POST"
            for (name, value) in PeerAPIRefusalTests.goodHeaders { request.setValue(value, forHTTPHeaderField: name) }
            request.httpBody = PeerAPIFuzzing.mutate(valid, using: &random)
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            statuses[status, default: 0] += 1
        }
        #expect(statuses.keys.allSatisfy { $0 == 200 || (400..<500).contains($0) }, "answers by status: \(statuses)")
        #expect(statuses.keys.contains { (400..<500).contains($0) })
        #expect(target.isRunning)
        // Whatever the mutations got applied, a real peer still converges with the target.
        try await friend.addAppointment(patient: "p2")
        let first = try await friend.syncNow()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try await friend.state() == target.state())
        let check = try await target.cli.run(["appointment", "list", "--json"])
        #expect(check.status == 0)
        print("fuzz answers by status: \(statuses.sorted { $0.key < $1.key })")
    }
}
