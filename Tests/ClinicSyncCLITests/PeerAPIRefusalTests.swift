import ClinicSyncTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("The peer API refuses unsigned and forged changes and changes nothing", .serialized)
struct PeerAPIRefusalTests {
    struct BadRequest: CustomTestStringConvertible, Sendable {
        let label: String
        var path = "/v3/push"
        var headers: [String: String] = PeerAPIRefusalTests.goodHeaders
        let body: Data
        let status: Int
        let code: String
        var mentions: String? = nil
        var testDescription: String { "\(label) → \(status) \(code)" }
    }

    static let goodHeaders = [
        "ClinicSync-Protocol": "3", "ClinicSync-Schema": PeerSchemaHeader.value, "ClinicSync-Site": "friend",
        "Content-Type": "application/json", "Authorization": "Bearer " + SiteConfigurationFile.secret("target", "friend"),
    ]

    /// A version-2 change from `friend` writing `column` (to `value`), with `fields` overriding the rest.
    static func change(_ fields: [String: Any], column: String = "notes", value: Any = "x") -> [String: Any] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var change: [String: Any] = [
            "table": "appointments", "row_id": UUID().uuidString.lowercased(), "op": "write", "values": [column: value],
            "hlc": now << 16, "origin": "friend", "seq": 1, "seen": [String: Int](),
        ]
        change.merge(fields) { $1 }
        return change
    }

    static func push(_ changes: [[String: Any]], proofs: [String: Any] = [:]) -> Data {
        try! JSONSerialization.data(withJSONObject: [
            "changes": changes, "through": [String: Int](), "proofs": proofs,
            "report": ["site": "friend", "vector": [String: Int](), "peers": [String](), "at": 1],
        ])
    }

    static func send(_ request: BadRequest, to site: SiteProcess) async throws -> (Int, [String: Any]) {
        var urlRequest = URLRequest(url: URL(string: site.url + request.path)!)
        urlRequest.httpMethod = "POST"
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let (data, response) = try await URLSession.shared.data(for: urlRequest)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// The envelope and body refusals are tested in process (ClinicSyncSyncTests); these need a
    /// real store, which checks each change's signature, and a real daemon over real HTTP.
    @Test("changes their origin did not sign, or in the name of a site outside the fleet: refused whole, the store unchanged")
    func refusals() async throws {
        let target = try await SiteProcess("target")
        let friend = try await SiteProcess("friend")
        try await target.configure(peers: [friend])
        try await target.start()
        try await target.addAppointment()
        let before = try await target.state()
        let changesBefore = try await target.changeCount()
        // Well-formed changes that their origin did not sign: refused whole, with the code that
        // names why, whoever sends them (here the configured peer, with its secret).
        let unsigned = [
            BadRequest(
                label: "a change without its origin's signature", body: Self.push([Self.change([:])]), status: 422, code: "unsigned_change",
                mentions: "friend"),
            BadRequest(
                label: "a change in the name of a site outside the fleet", body: Self.push([Self.change(["origin": "mallory"])]), status: 403,
                code: "unknown_origin", mentions: "mallory"),
            BadRequest(
                label: "a proof that is not base64", body: Self.push([Self.change([:])], proofs: ["friend": ["keys": ["%%%"], "groups": [Any]()]]),
                status: 400, code: "malformed_proof", mentions: "base64"),
            BadRequest(
                label: "a forged genesis",
                body: Self.push(
                    [Self.change([:])],
                    proofs: [
                        "friend": [
                            "keys": [String](),
                            "groups": [
                                [
                                    "genesis": 1, "previous": 0, "first": 1, "last": 0, "root": Data(count: 32).base64EncodedString(),
                                    "sig": Data(count: 64).base64EncodedString(),
                                ]
                            ],
                        ]
                    ]),
                status: 400, code: "malformed_proof", mentions: "genesis"),
        ]
        for request in unsigned {
            let (status, body) = try await Self.send(request, to: target)
            #expect(status == request.status && body["code"] as? String == request.code, "\(request.label): got \(status) \(body)")
            if let mention = request.mentions {
                #expect((body["error"] as? String)?.contains(mention) == true, "\(request.label): \(body)")
            }
        }
        #expect(try await target.state() == before)
        #expect(try await target.changeCount() == changesBefore)
        // Still serving: the real peer's signed changes apply.
        try await friend.configure(peers: [target])
        try await friend.addAppointment()
        #expect(try await friend.syncNow().status == 0)
        #expect(try await target.changeCount() == changesBefore + 1)
        #expect(target.isRunning)
    }
}
