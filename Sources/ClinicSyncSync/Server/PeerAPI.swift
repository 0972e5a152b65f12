package import ClinicSyncCore
import Foundation
package import Hummingbird
package import Logging
import NIOCore

/// The peer protocol's server side: `/v3/hello`, `/v3/pull` and `/v3/push` behind the envelope
/// check (``PeerEnvelopeMiddleware``), one route collection per protocol version: an older peer's
/// requests get a 409 naming both versions and what to do.
///
/// Every request is checked before anything is read from or written to the store (the envelope,
/// then the JSON shape, then each change); a refusal is a 4xx answer naming the first problem, and
/// the store is untouched.
package struct PeerAPI: Sendable {
    let feed: any ChangeFeed
    let peers: PeerDirectory
    let transport: PeerTransport
    let limits: PeerRequestLimits
    let inFlight = PeerRequestCounter()
    let logger: Logger
    /// Told of every peer whose request was served: the peer is reachable again, so a daemon that
    /// backs off calling it can try it now.
    let served: @Sendable (SiteID) -> Void

    /// Serves `feed` to the sites `peers` lists, over `transport` (which decides what a caller
    /// must present: its certificate or its secret), within `limits` per peer; `served` hears of
    /// each peer whose request succeeded.
    package init(
        feed: any ChangeFeed, peers: PeerDirectory, transport: PeerTransport, limits: PeerRequestLimits, logger: Logger,
        served: @escaping @Sendable (SiteID) -> Void = { _ in }
    ) {
        self.feed = feed
        self.peers = peers
        self.transport = transport
        self.limits = limits
        self.logger = logger
        self.served = served
    }

    /// Adds the protocol's routes to `router`.
    package func addRoutes(to router: Router<PeerRequestContext>) {
        let endpoints = ["hello", "pull", "push"]
        let older = 1..<WireProtocol.version
        router.add(
            middleware: MethodRefusal(
                allowed: Dictionary(
                    uniqueKeysWithValues: ([WireProtocol.version] + older)
                        .flatMap { version in endpoints.map { ("/v\(version)/\($0)", HTTPRequest.Method.post) } })))
        router.group(RouterPath(WireProtocol.pathPrefix))
            .add(
                middleware: PeerEnvelopeMiddleware(
                    siteID: feed.siteID, peers: peers, transport: transport, limits: limits, inFlight: inFlight, logger: logger, served: served)
            )
            .group(context: PeerSessionContext.self)
            .addRoutes(PeerRoutes(feed: feed, logger: logger).collection)
        // A site still on an older protocol calls these; it learns why the sync fails and what to do.
        for version in older {
            router.addRoutes(Self.olderProtocol(version, endpoints: endpoints), atPath: RouterPath("/v\(version)"))
        }
    }

    /// The routes of protocol `version`, each answering 409 `protocol_mismatch`.
    private static func olderProtocol(_ version: Int, endpoints: [String]) -> RouteCollection<PeerRequestContext> {
        let routes = RouteCollection(context: PeerRequestContext.self)
        for endpoint in endpoints {
            routes.post(RouterPath(endpoint)) { _, _ -> Response in
                throw PeerRequestError(
                    status: .conflict, code: "protocol_mismatch",
                    message:
                        "peer speaks protocol \(version), this site speaks \(WireProtocol.version); upgrade the older site (its changes wait "
                        + "in its log)"
                )
            }
        }
        return routes
    }
}
