import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("The peer API refuses bad requests and changes nothing", .serialized)
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
        "ClinicSync-Protocol": "3", "ClinicSync-Schema": "1", "ClinicSync-Site": "friend",
        "Content-Type": "application/json", "Authorization": "Bearer " + SiteProcess.secret("target", "friend"),
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
        try! JSONSerialization.data(withJSONObject: ["changes": changes, "through": [String: Int](), "proofs": proofs, "report": ["site": "friend", "vector": [String: Int](), "peers": [String](), "at": 1]])
    }

    static let cases: [BadRequest] = {
        var headers = goodHeaders
        var cases: [BadRequest] = []
        headers.removeValue(forKey: "ClinicSync-Protocol")
        cases.append(BadRequest(label: "no protocol header", headers: headers, body: push([change([:])]), status: 400, code: "malformed_request"))
        headers = goodHeaders; headers["ClinicSync-Protocol"] = "4"
        cases.append(BadRequest(label: "protocol 4", headers: headers, body: push([change([:])]), status: 409, code: "protocol_mismatch", mentions: "protocol 4"))
        headers = goodHeaders; headers["ClinicSync-Protocol"] = "1"
        cases.append(BadRequest(label: "a version-1 site", path: "/v1/push", headers: headers, body: push([change([:])]), status: 409, code: "protocol_mismatch", mentions: "protocol 1, this site speaks 3"))
        headers = goodHeaders; headers["ClinicSync-Protocol"] = "2"
        cases.append(BadRequest(label: "a version-2 site", path: "/v2/push", headers: headers, body: push([change([:])]), status: 409, code: "protocol_mismatch", mentions: "protocol 2, this site speaks 3"))
        headers = goodHeaders; headers["ClinicSync-Schema"] = "9"
        cases.append(BadRequest(label: "newer table schema", headers: headers, body: push([change([:])]), status: 409, code: "schema_mismatch", mentions: "schema 9"))
        headers = goodHeaders; headers["ClinicSync-Site"] = "stranger"
        cases.append(BadRequest(label: "unknown site", headers: headers, body: push([change([:])]), status: 403, code: "unknown_peer", mentions: "stranger"))
        headers = goodHeaders; headers.removeValue(forKey: "Authorization")
        cases.append(BadRequest(label: "no secret over plain HTTP", headers: headers, body: push([change([:])]), status: 403, code: "unauthenticated_peer", mentions: "no secret"))
        headers = goodHeaders; headers["Authorization"] = "Bearer " + SiteProcess.secret("target", "someone-else")
        cases.append(BadRequest(label: "another pair's secret", headers: headers, body: push([change([:])]), status: 403, code: "unauthenticated_peer", mentions: "other than"))
        headers = goodHeaders; headers["Authorization"] = "Basic " + SiteProcess.secret("target", "friend")
        cases.append(BadRequest(label: "the right secret in the wrong scheme", headers: headers, body: push([change([:])]), status: 403, code: "unauthenticated_peer"))
        headers = goodHeaders; headers.removeValue(forKey: "Authorization")
        cases.append(BadRequest(label: "a pull without a secret", path: "/v3/pull", headers: headers, body: try! JSONSerialization.data(withJSONObject: ["vector": [String: Int](), "fleet": [Any](), "limit": 10, "max_bytes": 1000]), status: 403, code: "unauthenticated_peer"))
        headers = goodHeaders; headers["ClinicSync-Site"] = "target"
        cases.append(BadRequest(label: "a peer's secret under this site's own name", headers: headers, body: push([change([:])]), status: 403, code: "unknown_peer"))
        headers = goodHeaders; headers["Content-Encoding"] = "br"
        cases.append(BadRequest(label: "unknown encoding", headers: headers, body: push([change([:])]), status: 415, code: "unsupported_encoding"))
        let valid = push([change([:])])
        cases += [
            BadRequest(label: "truncated JSON", body: valid.prefix(valid.count / 2), status: 400, code: "malformed_request"),
            BadRequest(label: "wrong types", body: push([change(["hlc": "soon"])]), status: 400, code: "malformed_request", mentions: "hlc"),
            BadRequest(label: "unknown table", body: push([change(["table": "patients"])]), status: 400, code: "malformed_request", mentions: "unknown table"),
            BadRequest(label: "unknown column", body: push([change([:], column: "ssn")]), status: 400, code: "malformed_request", mentions: "values"),
            BadRequest(label: "SQL in a column name", body: push([change([:], column: "notes = 'x'; DROP TABLE appointments; --")]), status: 400, code: "malformed_request", mentions: "values"),
            BadRequest(label: "text in an integer column", body: push([change([:], column: "minutes", value: "sixty")]), status: 400, code: "malformed_request", mentions: "minutes"),
            BadRequest(label: "malformed row id", body: push([change(["row_id": "1; DELETE FROM appointments"])]), status: 400, code: "malformed_request", mentions: "row_id"),
            BadRequest(label: "valid change after an invalid one", body: push([change([:]), change(["op": "upsert"])]), status: 400, code: "malformed_request", mentions: "#1"),
            BadRequest(label: "batch of 10,001 changes", body: push((0...10_000).map { _ in change([:]) }), status: 413, code: "batch_too_large", mentions: "10000"),
            BadRequest(label: "17 MiB body", body: Data(repeating: UInt8(ascii: " "), count: 17 << 20), status: 413, code: "body_too_large"),
            BadRequest(label: "zero sequence number", body: push([change(["seq": 0])]), status: 400, code: "malformed_request", mentions: "seq"),
            BadRequest(label: "knowledge of its own future", body: push([change(["seen": ["friend": 5]])]), status: 400, code: "malformed_request", mentions: "seen"),
            BadRequest(label: "pull with a forged fleet report", path: "/v3/pull", body: try! JSONSerialization.data(withJSONObject: ["vector": [String: Int](), "fleet": [["site": "friend", "vector": [String: Int](), "peers": ["Bad Site"], "at": 1]], "limit": 10, "max_bytes": 1000]), status: 400, code: "malformed_request", mentions: "fleet report #0"),
            BadRequest(label: "pull with 1,001 fleet reports", path: "/v3/pull", body: try! JSONSerialization.data(withJSONObject: ["vector": [String: Int](), "fleet": (0...1_000).map { _ in ["site": "friend", "vector": [String: Int](), "peers": [String](), "at": 1] }, "limit": 10, "max_bytes": 1000]), status: 413, code: "batch_too_large", mentions: "fleet"),
            BadRequest(label: "pull with a malformed vector", path: "/v3/pull", body: try! JSONSerialization.data(withJSONObject: ["vector": ["Not A Site": 1], "fleet": [Any](), "limit": 10, "max_bytes": 1000]), status: 400, code: "malformed_request", mentions: "vector"),
        ]
        return cases
    }()

    static func send(_ request: BadRequest, to site: SiteProcess) async throws -> (Int, [String: Any]) {
        var urlRequest = URLRequest(url: URL(string: site.url + request.path)!)
        urlRequest.httpMethod = "POST"
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let (data, response) = try await URLSession.shared.data(for: urlRequest)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    @Test("a table of malformed and mismatched requests: each 4xx naming the problem, the store unchanged")
    func refusals() async throws {
        let target = try SiteProcess("target")
        let friend = try SiteProcess("friend")
        try target.configure(peers: [friend])
        try target.start()
        try target.addAppointment()
        let before = try target.state()
        let changesBefore = try target.changeCount()
        for request in Self.cases {
            let (status, body) = try await Self.send(request, to: target)
            #expect(status == request.status, "\(request.label): got \(status) \(body)")
            #expect(body["code"] as? String == request.code, "\(request.label): \(body)")
            if let mention = request.mentions {
                #expect((body["error"] as? String)?.contains(mention) == true, "\(request.label): \(body)")
            }
        }
        // Well-formed changes that their origin did not sign: refused whole, with the code that
        // names why, whoever sends them (here the configured peer, with its secret).
        let unsigned = [
            BadRequest(label: "a change without its origin's signature", body: Self.push([Self.change([:])]), status: 422, code: "unsigned_change", mentions: "friend"),
            BadRequest(label: "a change in the name of a site outside the fleet", body: Self.push([Self.change(["origin": "mallory"])]), status: 403, code: "unknown_origin", mentions: "mallory"),
            BadRequest(label: "a proof that is not base64", body: Self.push([Self.change([:])], proofs: ["friend": ["keys": ["%%%"], "groups": [Any]()]]), status: 400, code: "malformed_proof", mentions: "base64"),
            BadRequest(label: "a forged genesis", body: Self.push([Self.change([:])], proofs: ["friend": ["keys": [String](), "groups": [[
                "genesis": 1, "previous": 0, "first": 1, "last": 0, "root": Data(count: 32).base64EncodedString(), "sig": Data(count: 64).base64EncodedString()]]]]),
                       status: 400, code: "malformed_proof", mentions: "genesis"),
        ]
        for request in unsigned {
            let (status, body) = try await Self.send(request, to: target)
            #expect(status == request.status && body["code"] as? String == request.code, "\(request.label): got \(status) \(body)")
            if let mention = request.mentions {
                #expect((body["error"] as? String)?.contains(mention) == true, "\(request.label): \(body)")
            }
        }
        #expect(try target.state() == before)
        #expect(try target.changeCount() == changesBefore)
        // Still serving: the real peer's signed changes apply.
        try friend.configure(peers: [target])
        try friend.addAppointment()
        #expect(try friend.syncNow().status == 0)
        #expect(try target.changeCount() == changesBefore + 1)
        #expect(target.isRunning)
    }
}
