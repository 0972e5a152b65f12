import ClinicSyncCore
package import Hummingbird
import NIOCore
import NIOSSL

/// The request context of the peer API: it keeps the connection so the envelope check can learn
/// which certificate (and so which site) is calling, and carries what that check established to
/// the protocol's routes (see ``PeerSessionContext``).
package struct PeerRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// Set by ``PeerEnvelopeMiddleware`` once the envelope is checked: the proven sender, the
    /// request body as read (inflated), and whether the answer may be gzip-compressed.
    var sender: SiteID?
    var body: ByteBuffer?
    var acceptsGzip = false

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// What the caller presented: over TLS its certificate's fingerprint (a certificate that
    /// cannot be read is reported as such, to be refused), over plain HTTP its bearer secret.
    func presentedCredential(overTLS: Bool, authorization: String?) async -> PresentedCredential {
        guard overTLS else {
            // The scheme is case-insensitive (RFC 9110).
            guard let authorization, authorization.prefix(7).lowercased() == "bearer " else { return .secret(nil) }
            return .secret(String(authorization.dropFirst(7)))
        }
        guard let certificate = try? await channel.nioSSL_peerCertificate().get(),
            let fingerprint = try? SiteIdentity.fingerprint(of: certificate)
        else { return .unreadableCertificate }
        return .certificate(fingerprint)
    }
}

/// The context of a protocol route: only reachable through ``PeerEnvelopeMiddleware``, so the
/// sender is proven and the body read.
struct PeerSessionContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let sender: SiteID
    let body: ByteBuffer
    let acceptsGzip: Bool

    init(context: PeerRequestContext) throws {
        guard let sender = context.sender, let body = context.body else {
            throw PeerRequestError(
                status: .internalServerError, code: "internal_error", message: "a protocol route was reached without its envelope check")
        }
        coreContext = context.coreContext
        self.sender = sender
        self.body = body
        acceptsGzip = context.acceptsGzip
    }

    /// `body` (JSON) as the answer, gzip-compressed when the caller accepts it.
    func answer(_ body: ByteBuffer) throws -> Response {
        guard acceptsGzip else { return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body)) }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .contentEncoding: BodyCoding.gzip],
            body: ResponseBody(byteBuffer: try BodyCoding.compress(body)))
    }
}
