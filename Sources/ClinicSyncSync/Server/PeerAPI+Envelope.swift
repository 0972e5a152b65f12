import ClinicSyncCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension PeerAPI {
    /// Checks the envelope (versions, sender, body), runs `handler`, and writes its result as JSON,
    /// gzip-compressed when the caller accepts it; any refusal becomes a JSON failure answer.
    func respond<Output: Encodable>(
        to request: Request, _ context: PeerRequestContext, _ handler: (SiteID, ByteBuffer) async throws -> Output
    ) async -> Response {
        await respond(to: request, context) { sender, body in
            try BodyCoding.encode(try await handler(sender, body))
        }
    }

    func respond(
        to request: Request, _ context: PeerRequestContext, _ handler: (SiteID, ByteBuffer) async throws -> ByteBuffer
    ) async -> Response {
        do {
            let presented = await context.presentedCredential(overTLS: transport == .tls, authorization: request.headers[.authorization])
            let sender = try checkEnvelope(request, presented: presented)
            guard inFlight.enter(sender, limit: limits.concurrentPerPeer) else {
                throw PeerRequestError(status: .tooManyRequests, code: "too_many_requests",
                                       message: "site '\(sender)' already has \(limits.concurrentPerPeer) requests in progress here; wait for them to finish")
            }
            defer { inFlight.leave(sender) }
            let body = try await readBody(request)
            let output = try await handler(sender, body)
            served(sender)
            return try await encodeResponse(output, for: request)
        } catch let refusal as PeerRequestError {
            if refusal.status.code < 500 {
                logger.notice("peer request refused", metadata: ["code": "\(refusal.code)", "error": "\(refusal.message)"])
            }
            return Self.failure(refusal)
        } catch let busy as FeedBusy {
            logger.warning("peer request waited too long for the store", metadata: ["error": "\(busy)"])
            return Self.failure(PeerRequestError(status: .serviceUnavailable, code: "store_busy", message: busy.reason))
        } catch {
            logger.error("peer request failed", metadata: ["error": "\(error)"])
            return Self.failure(PeerRequestError(status: .internalServerError, code: "internal_error", message: "\(error)"))
        }
    }

    private func checkEnvelope(_ request: Request, presented: PresentedCredential) throws -> SiteID {
        let protocolText = request.headers[HTTPField.Name(WireProtocol.protocolHeader)!]
        guard let protocolText, let version = Int(protocolText) else {
            throw PeerRequestError.badRequest("missing or malformed \(WireProtocol.protocolHeader) header")
        }
        guard version == WireProtocol.version else {
            throw PeerRequestError(status: .conflict, code: "protocol_mismatch",
                                   message: "peer speaks protocol \(version), this site speaks \(WireProtocol.version); upgrade the older site")
        }
        guard let schema = request.headers[HTTPField.Name(WireProtocol.schemaHeader)!], !schema.isEmpty else {
            throw PeerRequestError.badRequest("missing \(WireProtocol.schemaHeader) header")
        }
        guard schema == WireProtocol.schemaVersion else {
            throw PeerRequestError(status: .conflict, code: "schema_mismatch",
                                   message: "peer has table schema \(schema), this site has \(WireProtocol.schemaVersion); upgrade the older site")
        }
        guard let siteText = request.headers[HTTPField.Name(WireProtocol.siteHeader)!], let sender = try? SiteID(siteText) else {
            throw PeerRequestError.badRequest("missing or malformed \(WireProtocol.siteHeader) header")
        }
        guard peers.contains(sender) else {
            throw PeerRequestError(status: .forbidden, code: "unknown_peer",
                                   message: "site '\(sender)' is not a configured peer of site '\(feed.siteID)'")
        }
        guard peers.accepts(sender, presenting: presented) else { throw unauthenticated(sender, presented: presented) }
        return sender
    }

    private func unauthenticated(_ sender: SiteID, presented: PresentedCredential) -> PeerRequestError {
        switch presented {
        case let .certificate(fingerprint):
            let owner = peers.site(for: fingerprint).map { "site '\($0)'" } ?? "another site"
            return PeerRequestError(status: .forbidden, code: "site_mismatch",
                                    message: "the request says it comes from site '\(sender)' but its certificate belongs to \(owner)")
        case .unreadableCertificate:
            return PeerRequestError(status: .forbidden, code: "certificate_unreadable",
                                    message: "the client certificate of the connection could not be read, so site '\(sender)' is not proven")
        case let .secret(presented):
            return PeerRequestError(status: .forbidden, code: "unauthenticated_peer", message: presented == nil
                ? "the request from site '\(sender)' carries no secret; over plain HTTP each peer sends the secret both sites configure for each other (peers[].secret)"
                : "the request from site '\(sender)' carries a secret other than the one configured for it here (peers[].secret)")
        }
    }

    private func readBody(_ request: Request) async throws -> ByteBuffer {
        let body: ByteBuffer
        let stream = request.body
        let deadline = limits.bodyDeadline(contentLength: request.headers[.contentLength].flatMap(Int.init))
        do {
            body = try await withDeadline(deadline) { try await stream.collect(upTo: WireProtocol.maximumBodyBytes) }
        } catch is BodyDeadlineExceeded {
            throw PeerRequestError(status: .requestTimeout, code: "request_timeout",
                                   message: "the request body did not arrive within \(deadline) (sync.timeout_seconds plus 1 s per 16 KiB)")
        } catch is NIOTooManyBytesError {
            throw PeerRequestError(status: .contentTooLarge, code: "body_too_large",
                                   message: "request body exceeds \(WireProtocol.maximumBodyBytes) bytes")
        } catch {
            throw PeerRequestError.badRequest("the request body could not be read: the connection failed")
        }
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            return body
        case BodyCoding.gzip:
            do { return try BodyCoding.decompress(body, limit: WireProtocol.maximumBodyBytes) } catch {
                throw PeerRequestError(status: .contentTooLarge, code: "body_too_large",
                                       message: "gzip body is corrupt or inflates beyond \(WireProtocol.maximumBodyBytes) bytes")
            }
        case let other?:
            throw PeerRequestError(status: .unsupportedMediaType, code: "unsupported_encoding",
                                   message: "Content-Encoding \(other) is not supported (use gzip or none)")
        }
    }

    private func encodeResponse(_ body: ByteBuffer, for request: Request) async throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        guard BodyCoding.accepts(gzipIn: request.headers[.acceptEncoding]) else {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        }
        headers[.contentEncoding] = BodyCoding.gzip
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: try BodyCoding.compress(body)))
    }

    static func failure(_ refusal: PeerRequestError) -> Response {
        let body = (try? BodyCoding.encode(WireMessage.Failure(code: refusal.code, error: refusal.message))) ?? ByteBuffer()
        return Response(status: refusal.status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}

extension DecodingError {
    /// Where decoding failed and why, without quoting values (they may be patient data).
    var briefDescription: String {
        func path(_ context: Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch self {
        case let .typeMismatch(type, context): return "\(path(context)) should be \(type)"
        case let .valueNotFound(type, context): return "\(path(context)) is missing a \(type)"
        case let .keyNotFound(key, context): return "\(path(context)).\(key.stringValue) is missing"
        case let .dataCorrupted(context): return "not valid JSON at \(path(context).isEmpty ? "the top level" : path(context))"
        @unknown default: return "unreadable"
        }
    }
}
