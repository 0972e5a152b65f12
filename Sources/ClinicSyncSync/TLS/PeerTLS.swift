import ClinicSyncCore
package import HummingbirdTLS
package import Logging
import NIOCore
package import NIOSSL

/// Mutual TLS between sites, pinned by fingerprint: no certificate authority is involved.
package enum PeerTLS {
    /// The server side: a client certificate is required, and the handshake fails unless its
    /// fingerprint belongs to a configured peer; a refusal is logged with the presented fingerprint
    /// so an operator can add a new site by copying it.
    package static func server(identity: SiteIdentity, peers: PeerDirectory, logger: Logger) -> TLSChannelConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(identity.certificate)], privateKey: .privateKey(identity.privateKey))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .noHostnameVerification
        return TLSChannelConfiguration(tlsConfiguration: tls) { certificates, promise in
            guard let leaf = certificates.first, let presented = try? SiteIdentity.fingerprint(of: leaf) else {
                logger.warning("refused a TLS connection without a usable client certificate")
                return promise.succeed(.failed)
            }
            guard peers.site(for: presented) != nil else {
                logger.warning("refused a TLS connection from an unknown certificate", metadata: ["fingerprint": "\(presented)"])
                return promise.succeed(.failed)
            }
            promise.succeed(.certificateVerified)
        }
    }

    /// The client side: present this site's certificate and trust only the peer's own certificate
    /// (fetched and checked against its pinned fingerprint by ``PeerCertificateFetcher``).
    package static func client(identity: SiteIdentity, trusting peerCertificate: NIOSSLCertificate) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateChain = [.certificate(identity.certificate)]
        tls.privateKey = .privateKey(identity.privateKey)
        tls.trustRoots = .certificates([peerCertificate])
        // Sites are addressed by IP or any name; the pin, not the name, identifies them.
        tls.certificateVerification = .noHostnameVerification
        return tls
    }
}
