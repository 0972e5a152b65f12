import ClinicSyncCore
import ClinicSyncTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Synchronization
import Testing

/// The peer API's refusals, in process: each malformed or mismatched request gets a 4xx answer
/// naming the first problem, and the feed behind the API is not touched. (Refusals that need the
/// store's signature checks are tested against a real daemon, in the CLI tests.)
@Suite("The peer API refuses bad requests and changes nothing (in process)")
struct PeerAPIRefusalTests {
    struct BadRequest: CustomTestStringConvertible, Sendable {
        let label: String
        var path = "/v3/push"
        var headers: @Sendable (inout HTTPFields) -> Void = { _ in }
        let body: Data
        let status: Int
        let code: String
        var mentions: String? = nil
        var testDescription: String { "\(label) → \(status) \(code)" }
    }

    static func field(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    /// A change from `friend` writing `column` (to `value`), with `fields` overriding the rest.
    static func change(_ fields: [String: Any], column: String = "notes", value: Any = "x") -> [String: Any] {
        var change: [String: Any] = [
            "table": "appointments", "row_id": UUID().uuidString.lowercased(), "op": "write", "values": [column: value],
            "hlc": Int64(1_800_000_000_000) << 16, "origin": "friend", "seq": 1, "seen": [String: Int](),
        ]
        change.merge(fields) { $1 }
        return change
    }

    static func push(_ changes: [[String: Any]]) -> Data {
        try! JSONSerialization.data(withJSONObject: [
            "changes": changes, "through": [String: Int](), "proofs": [String: Any](),
            "report": ["site": "friend", "vector": [String: Int](), "peers": [String](), "at": 1],
        ])
    }

    static func pull(vector: [String: Int] = [:], fleet: [Any] = []) -> Data {
        try! JSONSerialization.data(withJSONObject: ["vector": vector, "fleet": fleet, "limit": 10, "max_bytes": 1000])
    }

    static let cases: [BadRequest] = {
        let valid = push([change([:])])
        let report: [String: Any] = ["site": "friend", "vector": [String: Int](), "peers": [String](), "at": 1]
        return [
            BadRequest(
                label: "no protocol header", headers: { $0[field("ClinicSync-Protocol")] = nil }, body: valid, status: 400,
                code: "malformed_request"),
            BadRequest(
                label: "protocol 4", headers: { $0[field("ClinicSync-Protocol")] = "4" }, body: valid, status: 409, code: "protocol_mismatch",
                mentions: "protocol 4"),
            BadRequest(
                label: "a version-1 site", path: "/v1/push", headers: { $0[field("ClinicSync-Protocol")] = "1" }, body: valid, status: 409,
                code: "protocol_mismatch", mentions: "protocol 1, this site speaks 3"),
            BadRequest(
                label: "a version-2 site", path: "/v2/push", headers: { $0[field("ClinicSync-Protocol")] = "2" }, body: valid, status: 409,
                code: "protocol_mismatch", mentions: "protocol 2, this site speaks 3"),
            BadRequest(
                label: "newer table schema", headers: { $0[field("ClinicSync-Schema")] = "9" }, body: valid, status: 409, code: "schema_mismatch",
                mentions: "schema 9"),
            BadRequest(
                label: "a site not yet upgraded to treated regions", headers: { $0[field("ClinicSync-Schema")] = "2" }, body: valid,
                status: 409, code: "schema_mismatch", mentions: "table schema 2, this site has 3; upgrade the older site"),
            BadRequest(
                label: "unknown site", headers: { $0[field("ClinicSync-Site")] = "stranger" }, body: valid, status: 403, code: "unknown_peer",
                mentions: "stranger"),
            BadRequest(
                label: "no secret over plain HTTP", headers: { $0[.authorization] = nil }, body: valid, status: 403, code: "unauthenticated_peer",
                mentions: "no secret"),
            BadRequest(
                label: "another pair's secret", headers: { $0[.authorization] = "Bearer " + SiteConfigurationFile.secret("target", "someone-else") },
                body: valid,
                status: 403, code: "unauthenticated_peer", mentions: "other than"),
            BadRequest(
                label: "the right secret in the wrong scheme",
                headers: { $0[.authorization] = "Basic " + SiteConfigurationFile.secret("target", "friend") },
                body: valid,
                status: 403, code: "unauthenticated_peer"),
            BadRequest(
                label: "a pull without a secret", path: "/v3/pull", headers: { $0[.authorization] = nil }, body: pull(), status: 403,
                code: "unauthenticated_peer"),
            BadRequest(
                label: "a peer's secret under this site's own name", headers: { $0[field("ClinicSync-Site")] = "target" }, body: valid, status: 403,
                code: "unknown_peer"),
            BadRequest(label: "unknown encoding", headers: { $0[.contentEncoding] = "br" }, body: valid, status: 415, code: "unsupported_encoding"),
            BadRequest(
                label: "gzip that is not gzip", headers: { $0[.contentEncoding] = "gzip" }, body: valid, status: 413, code: "body_too_large",
                mentions: "corrupt"),
            BadRequest(label: "truncated JSON", body: valid.prefix(valid.count / 2), status: 400, code: "malformed_request"),
            BadRequest(label: "wrong types", body: push([change(["hlc": "soon"])]), status: 400, code: "malformed_request", mentions: "hlc"),
            BadRequest(
                label: "unknown table", body: push([change(["table": "patients"])]), status: 400, code: "malformed_request", mentions: "unknown table"
            ),
            BadRequest(label: "unknown column", body: push([change([:], column: "ssn")]), status: 400, code: "malformed_request", mentions: "values"),
            BadRequest(
                label: "SQL in a column name", body: push([change([:], column: "notes = 'x'; DROP TABLE appointments; --")]), status: 400,
                code: "malformed_request", mentions: "values"),
            BadRequest(
                label: "text in an integer column", body: push([change([:], column: "minutes", value: "sixty")]), status: 400,
                code: "malformed_request", mentions: "minutes"),
            BadRequest(
                label: "malformed row id", body: push([change(["row_id": "1; DELETE FROM appointments"])]), status: 400, code: "malformed_request",
                mentions: "row_id"),
            BadRequest(
                label: "valid change after an invalid one", body: push([change([:]), change(["op": "upsert"])]), status: 400,
                code: "malformed_request", mentions: "#1"),
            BadRequest(
                label: "batch of 10,001 changes", body: push((0...10_000).map { _ in change([:]) }), status: 413, code: "batch_too_large",
                mentions: "10000"),
            BadRequest(label: "17 MiB body", body: Data(repeating: UInt8(ascii: " "), count: 17 << 20), status: 413, code: "body_too_large"),
            BadRequest(label: "zero sequence number", body: push([change(["seq": 0])]), status: 400, code: "malformed_request", mentions: "seq"),
            BadRequest(
                label: "knowledge of its own future", body: push([change(["seen": ["friend": 5]])]), status: 400, code: "malformed_request",
                mentions: "seen"),
            BadRequest(
                label: "a hello that is not a JSON object", path: "/v3/hello", body: Data("[1]".utf8), status: 400, code: "malformed_request",
                mentions: "hello"),
            BadRequest(
                label: "pull with a forged fleet report", path: "/v3/pull",
                body: pull(fleet: [["site": "friend", "vector": [String: Int](), "peers": ["Bad Site"], "at": 1]]), status: 400,
                code: "malformed_request", mentions: "fleet report #0"),
            BadRequest(
                label: "pull with 1,001 fleet reports", path: "/v3/pull", body: pull(fleet: Array(repeating: report, count: 1_001)), status: 413,
                code: "batch_too_large", mentions: "fleet"),
            BadRequest(
                label: "pull with a malformed vector", path: "/v3/pull", body: pull(vector: ["Not A Site": 1]), status: 400,
                code: "malformed_request", mentions: "vector"),
            BadRequest(label: "GET instead of POST", path: "/v3/pull", body: Data(), status: 405, code: "method_not_allowed"),
        ]
    }()

    @Test("each malformed or mismatched request: a 4xx naming the problem, nothing applied", arguments: cases)
    func refused(_ bad: BadRequest) async throws {
        let feed = MemoryChangeFeed("target")
        await feed.write(1)
        let before = await feed.all
        let app = try PeerAPIHarness.application(serving: feed, to: ["friend"])
        try await app.test(.router) { client in
            var headers = PeerAPIHarness.headers(from: "friend", to: "target")
            bad.headers(&headers)
            let method: HTTPRequest.Method = bad.label == "GET instead of POST" ? .get : .post
            let response = try await client.execute(uri: bad.path, method: method, headers: headers, body: ByteBuffer(data: bad.body))
            #expect(Int(response.status.code) == bad.status, "\(String(buffer: response.body))")
            let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(answer?["code"] as? String == bad.code, "\(String(buffer: response.body))")
            if let mention = bad.mentions {
                #expect((answer?["error"] as? String)?.contains(mention) == true, "\(String(buffer: response.body))")
            }
        }
        #expect(await feed.all == before)
        #expect(await feed.appliedBatches == 0)
    }

    @Test("a well-formed push from the peer is applied, and a pull answers with what the caller lacks")
    func wellFormedRequestsAreServed() async throws {
        let feed = MemoryChangeFeed("target")
        await feed.write(3)
        let app = try PeerAPIHarness.application(serving: feed, to: ["friend"])
        try await app.test(.router) { client in
            let headers = PeerAPIHarness.headers(from: "friend", to: "target")
            let pulled = try await client.execute(uri: "/v3/pull", method: .post, headers: headers, body: ByteBuffer(data: Self.pull()))
            #expect(pulled.status == .ok)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(buffer: pulled.body)) as? [String: Any])
            #expect((answer["changes"] as? [Any])?.count == 3)
            #expect(answer["more"] as? Bool == false)
            let pushed = try await client.execute(
                uri: "/v3/push", method: .post, headers: headers, body: ByteBuffer(data: Self.push([Self.change([:])])))
            #expect(pushed.status == .ok, "\(String(buffer: pushed.body))")
        }
        #expect(await feed.all.count == 4)
    }

    @Test("only a request that was served counts as the peer heard from; a refused one, even after the envelope, does not, and frees its slot")
    func servedAndSlots() async throws {
        let feed = MemoryChangeFeed("target")
        let heard = Mutex<[String]>([])
        let app = try PeerAPIHarness.application(serving: feed, to: ["friend"], served: { site in heard.withLock { $0.append(site.rawValue) } })
        try await app.test(.router) { client in
            var wrongSecret = PeerAPIHarness.headers(from: "friend", to: "target")
            wrongSecret[.authorization] = "Bearer not-the-secret-0000"
            _ = try await client.execute(uri: "/v3/hello", method: .post, headers: wrongSecret, body: ByteBuffer())
            // Refused by a route (the body is not a JSON object), after the envelope took a slot:
            // more of these than the four slots a peer has, then a good request.
            let headers = PeerAPIHarness.headers(from: "friend", to: "target")
            for _ in 0..<6 {
                let refused = try await client.execute(uri: "/v3/pull", method: .post, headers: headers, body: ByteBuffer(string: "[]"))
                #expect(refused.status == .badRequest)
            }
            #expect(heard.withLock { $0 }.isEmpty)
            let hello = try await client.execute(uri: "/v3/hello", method: .post, headers: headers, body: ByteBuffer())
            #expect(hello.status == .ok, "a slot was not given back: \(String(buffer: hello.body))")
        }
        #expect(heard.withLock { $0 } == ["friend"])
    }
}
