import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A minimal browser for the console's HTTP tests: keeps cookies, never follows redirects (so
/// tests see them), and posts forms.
final class ConsoleBrowser: @unchecked Sendable {
    struct Page {
        let status: Int
        let location: String?
        let body: String
        let setCookies: [String]

        /// The value of the hidden `csrf` field, if the page has a form.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let base: String
    private let client: HTTPClient
    private(set) var cookies: [String: String] = [:]

    /// With `tls`, over HTTPS, trusting the site's self-signed certificate.
    init(port: Int, tls: Bool = false) {
        base = "\(tls ? "https" : "http")://127.0.0.1:\(port)"
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if tls {
            var trustAny = TLSConfiguration.makeClientConfiguration()
            trustAny.certificateVerification = .none
            configuration.tlsConfiguration = trustAny
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit { try? client.syncShutdown() }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        return try await send(request)
    }

    /// Presents a cookie as if the server had set it (a token replayed after sign-out).
    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    func post(_ path: String, _ fields: [String: String], headers: [(String, String)] = []) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    /// Signs in, expecting success.
    func signIn(_ name: String, _ password: String) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", ["name": name, "password": password, "csrf": form.csrf ?? ""])
    }

    func forget(_ cookie: String) { cookies[cookie] = nil }

    private func send(_ request: HTTPClientRequest) async throws -> Page {
        var request = request
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        let setCookies = response.headers["Set-Cookie"]
        for header in setCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            cookies[name] = value.isEmpty ? nil : value
        }
        return Page(
            status: Int(response.status.code), location: response.headers.first(name: "Location"), body: String(buffer: body),
            setCookies: setCookies)
    }
}
