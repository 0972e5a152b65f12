import ClinicSyncCore
package import Hummingbird
import NIOCore
import NIOSSL

/// The request context of the peer API: it keeps the connection so a handler can learn which
/// certificate (and so which site) is calling.
package struct PeerRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    let channel: any Channel

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
              let fingerprint = try? SiteIdentity.fingerprint(of: certificate) else { return .unreadableCertificate }
        return .certificate(fingerprint)
    }
}
