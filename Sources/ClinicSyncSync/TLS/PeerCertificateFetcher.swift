package import ClinicSyncCore
package import NIOCore
import NIOPosix
package import NIOSSL
import NIOTLS
import Synchronization

/// Learns a peer's certificate with one TLS handshake, accepting it only if its fingerprint is the
/// one pinned in the configuration; the certificate then becomes the only trust root for requests.
package enum PeerCertificateFetcher {
    /// Connects to `host:port`, presents `identity`, and returns the peer's certificate.
    package static func fetch(
        peer: String, host: String, port: Int, expected: Fingerprint, identity: SiteIdentity, timeout: TimeAmount
    ) async throws(SyncError) -> NIOSSLCertificate {
        let presented = Mutex<(NIOSSLCertificate, Fingerprint)?>(nil)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = [.certificate(identity.certificate)]
        tls.privateKey = .privateKey(identity.privateKey)
        tls.minimumTLSVersion = .tlsv12
        // The callback below pins the key; the peer's name plays no part.
        tls.certificateVerification = .noHostnameVerification
        // Completed by the handshake, or failed here when the connection cannot even be made
        // (completing an already completed promise does nothing).
        let handshake = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
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
                        try channel.pipeline.syncOperations.addHandlers(handler, HandshakeWaiter(promise: handshake))
                    }
                }
                .connect(host: host, port: port).get()
            defer { channel.close(promise: nil) }
            try await handshake.futureResult.get()
        } catch {
            handshake.fail(error)
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

/// Completes its promise when the TLS handshake finishes, or fails it when the connection errs or
/// closes first.
private final class HandshakeWaiter: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { promise.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
