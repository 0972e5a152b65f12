import ClinicSyncCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The protocol envelope, checked before any route runs, in this order: protocol version, schema
/// version, sender site (a configured peer, proven by its certificate or secret), requests in
/// flight for that peer, then the body (within its deadline and size, inflated). What it proves
/// goes to the route in the context (``PeerSessionContext``). Any refusal, here or in a route, is
/// logged (4xx as notices, never with payload data) and answered by the error itself
/// (``PeerRequestError``); a store that stays busy is a 503, anything else a 500.
struct PeerEnvelopeMiddleware: RouterMiddleware {
    typealias Context = PeerRequestContext

    let siteID: SiteID
    let peers: PeerDirectory
    let transport: PeerTransport
    let limits: PeerRequestLimits
    let inFlight: PeerRequestCounter
    let logger: Logger
    /// Told of every peer whose request was served.
    let served: @Sendable (SiteID) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let presented = await context.presentedCredential(overTLS: transport == .tls, authorization: request.headers[.authorization])
            let sender = try checkEnvelope(request, presented: presented)
            guard inFlight.enter(sender, limit: limits.concurrentPerPeer) else {
                throw PeerRequestError(
                    status: .tooManyRequests, code: "too_many_requests",
                    message: "site '\(sender)' already has \(limits.concurrentPerPeer) requests in progress here; wait for them to finish")
            }
            defer { inFlight.leave(sender) }
            var context = context
            context.sender = sender
            context.body = try await readBody(request)
            context.acceptsGzip = BodyCoding.accepts(gzipIn: request.headers[.acceptEncoding])
            let response = try await next(request, context)
            served(sender)
            return response
        } catch let refusal as PeerRequestError {
            if refusal.status.code < 500 {
                logger.notice("peer request refused", metadata: ["code": "\(refusal.code)", "error": "\(refusal.message)"])
            } else {
                logger.error("peer request failed", metadata: ["code": "\(refusal.code)", "error": "\(refusal.message)"])
            }
            throw refusal
        } catch let busy as FeedBusy {
            logger.warning("peer request waited too long for the store", metadata: ["error": "\(busy)"])
            throw PeerRequestError(status: .serviceUnavailable, code: "store_busy", message: busy.reason)
        } catch {
            logger.error("peer request failed", metadata: ["error": "\(error)"])
            throw PeerRequestError(status: .internalServerError, code: "internal_error", message: "\(error)")
        }
    }

    private static let protocolField = HTTPField.Name(WireProtocol.protocolHeader)!
    private static let schemaField = HTTPField.Name(WireProtocol.schemaHeader)!
    private static let siteField = HTTPField.Name(WireProtocol.siteHeader)!

    private func checkEnvelope(_ request: Request, presented: PresentedCredential) throws -> SiteID {
        let protocolText = request.headers[Self.protocolField]
        guard let protocolText, let version = Int(protocolText) else {
            throw PeerRequestError.badRequest("missing or malformed \(WireProtocol.protocolHeader) header")
        }
        guard version == WireProtocol.version else {
            throw PeerRequestError(
                status: .conflict, code: "protocol_mismatch",
                message: "peer speaks protocol \(version), this site speaks \(WireProtocol.version); upgrade the older site")
        }
        guard let schema = request.headers[Self.schemaField], !schema.isEmpty else {
            throw PeerRequestError.badRequest("missing \(WireProtocol.schemaHeader) header")
        }
        guard schema == WireProtocol.schemaVersion else {
            throw PeerRequestError(
                status: .conflict, code: "schema_mismatch",
                message: "peer has table schema \(schema), this site has \(WireProtocol.schemaVersion); upgrade the older site "
                    + "(both keep their changes, which sync once the two run the same schema)")
        }
        guard let siteText = request.headers[Self.siteField], let sender = try? SiteID(siteText) else {
            throw PeerRequestError.badRequest("missing or malformed \(WireProtocol.siteHeader) header")
        }
        guard peers.contains(sender) else {
            throw PeerRequestError(
                status: .forbidden, code: "unknown_peer",
                message: "site '\(sender)' is not a configured peer of site '\(siteID)'")
        }
        guard peers.accepts(sender, presenting: presented) else { throw Self.unauthenticated(sender, presented: presented, peers: peers) }
        return sender
    }

    static func unauthenticated(_ sender: SiteID, presented: PresentedCredential, peers: PeerDirectory) -> PeerRequestError {
        switch presented {
        case let .certificate(fingerprint):
            let owner = peers.site(for: fingerprint).map { "site '\($0)'" } ?? "another site"
            return PeerRequestError(
                status: .forbidden, code: "site_mismatch",
                message: "the request says it comes from site '\(sender)' but its certificate belongs to \(owner)")
        case .unreadableCertificate:
            return PeerRequestError(
                status: .forbidden, code: "certificate_unreadable",
                message: "the client certificate of the connection could not be read, so site '\(sender)' is not proven")
        case let .secret(presented):
            return PeerRequestError(
                status: .forbidden, code: "unauthenticated_peer",
                message: presented == nil
                    ? "the request from site '\(sender)' carries no secret; over plain HTTP each peer sends the secret both sites configure "
                        + "for each other (peers[].secret)"
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
            throw PeerRequestError(
                status: .requestTimeout, code: "request_timeout",
                message: "the request body did not arrive within \(deadline) (sync.timeout_seconds plus 1 s per 16 KiB)")
        } catch is NIOTooManyBytesError {
            throw PeerRequestError(
                status: .contentTooLarge, code: "body_too_large",
                message: "request body exceeds \(WireProtocol.maximumBodyBytes) bytes")
        } catch {
            throw PeerRequestError.badRequest("the request body could not be read: the connection failed")
        }
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            return body
        case BodyCoding.gzip:
            do { return try BodyCoding.decompress(body, limit: WireProtocol.maximumBodyBytes) } catch {
                throw PeerRequestError(
                    status: .contentTooLarge, code: "body_too_large",
                    message: "gzip body is corrupt or inflates beyond \(WireProtocol.maximumBodyBytes) bytes")
            }
        case let other?:
            throw PeerRequestError(
                status: .unsupportedMediaType, code: "unsupported_encoding",
                message: "Content-Encoding \(other) is not supported (use gzip or none)")
        }
    }
}
