import AsyncHTTPClient
import NIOCore
import NIOSSL

/// The HTTP client sites use to reach each other and the daemon's control socket.
enum PeerHTTPClient {
    /// A refused or silent peer is given up on after this long; the scheduler's backoff retries it.
    static let connectTimeout: Int64 = 3

    static func make(requestTimeoutSeconds: Int64, tls: TLSConfiguration? = nil) -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                tlsConfiguration: tls, timeout: .init(connect: .seconds(connectTimeout), read: .seconds(requestTimeoutSeconds))))
    }

    /// For the control socket: a round may wait for another to finish and then for slow peers, so
    /// its answer has no idle limit (the daemon bounds each peer request itself).
    static func makeControl() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(connectTimeout))))
    }
}

extension HTTPClient {
    /// Runs `body` with `client`, shutting the client down afterwards whether `body` succeeds or not.
    static func using<T>(_ client: HTTPClient, _ body: (HTTPClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
