import ClinicSyncCore
import Hummingbird
import NIOCore
import NIOSSL

/// The request context of the peer API: it keeps the connection so a handler can learn which
/// certificate (and so which site) is calling.
public struct PeerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The fingerprint of the client's certificate; `nil` on a plain-HTTP connection.
    func presentedFingerprint() async -> Fingerprint? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        return try? SiteIdentity.fingerprint(of: certificate)
    }
}
