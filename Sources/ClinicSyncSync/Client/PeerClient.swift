package import AsyncHTTPClient
package import ClinicSyncCore
import Foundation
package import NIOCore
import NIOHTTP1

/// The peer protocol's client side, over one shared `HTTPClient`.
package struct PeerClient: Sendable {
    let http: HTTPClient
    let peer: PeerEndpoint
    let localSite: SiteID
    let timeout: TimeAmount
    let compression: Bool

    /// A client for `peer`, speaking for `localSite`; with `compression`, it asks for gzip answers.
    package init(
        http: HTTPClient, peer: PeerEndpoint, localSite: SiteID, timeout: TimeAmount, compression: Bool
    ) {
        self.http = http
        self.peer = peer
        self.localSite = localSite
        self.timeout = timeout
        self.compression = compression
    }

    /// A response body and the bytes it took on the wire.
    struct Received<T: Sendable>: Sendable {
        let value: T
        let wireBytes: Int
    }

    func hello() async throws(SyncError) -> Received<WireMessage.Hello> {
        try await post("\(WireProtocol.pathPrefix)/hello", body: ByteBuffer(string: "{}"), compress: false, as: WireMessage.Hello.self)
    }

    func pull(_ request: WireMessage.PullRequest) async throws(SyncError) -> Received<WireMessage.PullResponse> {
        try await post("\(WireProtocol.pathPrefix)/pull", body: encode(request), compress: false, as: WireMessage.PullResponse.self)
    }

    /// Pushes an already encoded `PushRequest` body; returns the answer and the bytes sent.
    func push(_ body: ByteBuffer, compress: Bool) async throws(SyncError) -> (Received<WireMessage.PushResponse>, sent: Int) {
        var sent = 0
        let answer = try await post("\(WireProtocol.pathPrefix)/push", body: body, compress: compress, as: WireMessage.PushResponse.self) {
            sent = $0
        }
        return (answer, sent)
    }

    private func encode<T: Encodable>(_ value: T) throws(SyncError) -> ByteBuffer {
        do { return try BodyCoding.encode(value) } catch {
            throw .malformedResponse(peer: peer.name, reason: "cannot encode request: \(error)")
        }
    }

    private func post<T: Decodable>(
        _ path: String, body: ByteBuffer, compress: Bool, as type: T.Type, sentBytes: (Int) -> Void = { _ in }
    ) async throws(SyncError) -> Received<T> {
        var request = HTTPClientRequest(url: peer.url.trimmingSuffix("/") + path)
        request.method = .POST
        request.headers.add(name: WireProtocol.protocolHeader, value: String(WireProtocol.version))
        request.headers.add(name: WireProtocol.schemaHeader, value: WireProtocol.schemaVersion)
        request.headers.add(name: WireProtocol.siteHeader, value: localSite.rawValue)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let secret = peer.secret, !peer.usesTLS { request.headers.add(name: "Authorization", value: "Bearer \(secret.value)") }
        if compression { request.headers.add(name: "Accept-Encoding", value: BodyCoding.gzip) }
        var payload = body
        if compress, let compressed = try? BodyCoding.compress(body) {
            payload = compressed
            request.headers.add(name: "Content-Encoding", value: BodyCoding.gzip)
        }
        sentBytes(payload.readableBytes)
        request.body = .bytes(payload)
        let response: HTTPClientResponse
        let received: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            received = try await response.body.collect(upTo: WireProtocol.maximumBodyBytes)
        } catch {
            throw .unreachable(peer: peer.name, reason: Self.describe(error))
        }
        var content = received
        if response.headers.first(name: "Content-Encoding")?.lowercased() == BodyCoding.gzip {
            do { content = try BodyCoding.decompress(received, limit: WireProtocol.maximumBodyBytes) } catch {
                throw .malformedResponse(peer: peer.name, reason: "gzip body is corrupt or too large")
            }
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let failure = try? BodyCoding.decode(WireMessage.Failure.self, from: content)
            if response.status.code == 404, failure == nil {
                throw .refused(
                    peer: peer.name, status: 404, code: "protocol_mismatch",
                    message: "the peer does not serve protocol \(WireProtocol.version) (an older clinicsync?); upgrade the older site")
            }
            throw .refused(
                peer: peer.name, status: Int(response.status.code), code: failure?.code ?? "http_error",
                message: failure?.error ?? "HTTP \(response.status.code) without a protocol answer")
        }
        do {
            return Received(value: try BodyCoding.decode(type, from: content), wireBytes: received.readableBytes)
        } catch {
            throw .malformedResponse(peer: peer.name, reason: "\(path) answer is not valid: \(error)")
        }
    }

    /// A short cause an operator can act on, instead of the transport's nested error text.
    private static func describe(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout: return "connection timed out"
            case .readTimeout, .deadlineExceeded: return "no answer within the request timeout"
            case .remoteConnectionClosed: return "the peer closed the connection mid-request"
            default: break
            }
        }
        switch TransportFailure.socketErrno(of: error) {
        case ECONNREFUSED: return "connection refused (is its daemon running?)"
        case EHOSTUNREACH, ENETUNREACH: return "no route to host"
        case ETIMEDOUT: return "connection timed out"
        case ECONNRESET: return "the peer reset the connection"
        default: return String(describing: error)
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
