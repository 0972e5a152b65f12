import ClinicSyncCore
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Learns a peer's certificate with one TLS handshake, accepting it only if its fingerprint is the
/// one pinned in the configuration; the certificate then becomes the only trust root for requests.
public enum PeerCertificateFetcher {
    /// Connects to `host:port`, presents `identity`, and returns the peer's certificate.
    public static func fetch(
        peer: String, host: String, port: Int, expected: Fingerprint, identity: SiteIdentity, timeout: TimeAmount
    ) async throws(SyncError) -> NIOSSLCertificate {
        let presented = Mutex<(NIOSSLCertificate, Fingerprint)?>(nil)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = [.certificate(identity.certificate)]
        tls.privateKey = .privateKey(identity.privateKey)
        tls.minimumTLSVersion = .tlsv12
        do {
            let context = try NIOSSLContext(configuration: tls)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, promise in
                            guard let leaf = certificates.first, let fingerprint = try? SiteIdentity.fingerprint(of: leaf) else {
                                return promise.succeed(.failed)
                            }
                            presented.withLock { $0 = (leaf, fingerprint) }
                            promise.succeed(fingerprint == expected ? .certificateVerified : .failed)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: port).get()
            try await channel.pipeline.handler(type: NIOSSLClientHandler.self).flatMap { _ in
                channel.nioSSL_peerCertificate()
            }.get()
            try? await channel.close()
        } catch {
            if let (_, fingerprint) = presented.withLock({ $0 }), fingerprint != expected {
                throw .wrongFingerprint(peer: peer, expected: expected.rawValue, presented: fingerprint.rawValue)
            }
            throw .unreachable(peer: peer, reason: "TLS handshake failed: \(error)")
        }
        guard let (certificate, fingerprint) = presented.withLock({ $0 }) else {
            throw .unreachable(peer: peer, reason: "the peer presented no certificate")
        }
        guard fingerprint == expected else {
            throw .wrongFingerprint(peer: peer, expected: expected.rawValue, presented: fingerprint.rawValue)
        }
        return certificate
    }
}
