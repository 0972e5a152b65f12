package import ClinicSyncCore
import Foundation
package import Hummingbird
package import Logging
import NIOCore

/// The peer protocol's server side: `/v3/hello`, `/v3/pull` and `/v3/push`; an older peer's
/// requests get a 409 naming both versions.
///
/// Every request is checked in the same order before anything is read from or written to the
/// store: protocol version, schema version, sender site (must be a configured peer), body size and
/// encoding, JSON shape, then each change. A refusal is a 4xx answer naming the first problem, and
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
        let prefix = WireProtocol.pathPrefix
        router.post("\(prefix)/hello") { request, context in
            await self.respond(to: request, context) { _, body in
                // The body says nothing, but must be empty or a JSON object, as the protocol states.
                guard body.readableBytes == 0 || (try? BodyCoding.decode(EmptyObject.self, from: body)) != nil else {
                    throw PeerRequestError.badRequest("the hello body must be empty or a JSON object")
                }
                return try await self.hello()
            }
        }
        router.post("\(prefix)/pull") { request, context in
            await self.respond(to: request, context) { sender, body in try await self.pull(sender, body, request) }
        }
        router.post("\(prefix)/push") { request, context in
            await self.respond(to: request, context) { sender, body in try await self.push(sender, body) }
        }
        let older = 1..<WireProtocol.version
        router.add(middleware: MethodRefusal(allowed: Dictionary(uniqueKeysWithValues: ["hello", "pull", "push"]
            .flatMap { endpoint in ["\(prefix)/\(endpoint)"] + older.map { "/v\($0)/\(endpoint)" } }.map { ($0, HTTPRequest.Method.post) })))
        // A site still on an older protocol calls these; it learns why the sync fails and what to do.
        for version in older {
            for endpoint in ["hello", "pull", "push"] {
                router.post("/v\(version)/\(endpoint)") { _, _ in
                    Self.failure(PeerRequestError(
                        status: .conflict, code: "protocol_mismatch",
                        message: "peer speaks protocol \(version), this site speaks \(WireProtocol.version); upgrade the older site (its changes wait in its log)"))
                }
            }
        }
    }

    private func hello() async throws -> WireMessage.Hello {
        WireMessage.Hello(
            site: feed.siteID.rawValue, protocol_version: WireProtocol.version, schema_version: WireProtocol.schemaVersion,
            vector: try await feed.versionVector().wire, accept_encoding: [BodyCoding.gzip],
            fleet: try await feed.fleet().map(\.wire))
    }

    private func pull(_ sender: SiteID, _ body: ByteBuffer, _ request: Request) async throws -> ByteBuffer {
        let pull = try decode(WireMessage.PullRequest.self, body)
        let vector: VersionVector
        do { vector = try VersionVector(wire: pull.vector) } catch { throw PeerRequestError.badRequest("vector: \(error.rule)") }
        guard pull.limit > 0, pull.max_bytes > 0 else { throw PeerRequestError.badRequest("limit and max_bytes must be positive") }
        let limit = min(pull.limit, WireProtocol.maximumBatchChanges)
        let budget = min(pull.max_bytes, WireProtocol.maximumBodyBytes / 2)
        let reports = try Self.reports(pull.fleet)
        if let conflict = try await feed.learn(reports, from: sender) { throw Self.secondDatabase(conflict) }
        let batch = try await feed.changes(missingFrom: vector, limit: limit)
        let (sent, members) = try BatchBody.encode(batch, budget: budget)
        var buffer = ByteBuffer(string: "{")
        buffer.writeImmutableBuffer(members)
        buffer.writeString(",\"more\":\(!sent.isComplete)}")
        logger.info("pull served", metadata: ["peer": "\(sender)", "changes": "\(sent.changes.count)", "more": "\(!sent.isComplete)"])
        return buffer
    }

    private func push(_ sender: SiteID, _ body: ByteBuffer) async throws -> WireMessage.PushResponse {
        let push = try decode(WireMessage.PushRequest.self, body)
        let outcome: ApplyOutcome
        do {
            let batch = try BatchBody.decode(changes: push.changes, through: push.through, proofs: push.proofs) { PeerRequestError.badRequest($0) }
            let report = try Self.reports([push.report])
            if let conflict = try await feed.learn(report, from: sender) { throw Self.secondDatabase(conflict) }
            outcome = try await feed.apply(batch)
        } catch let rejected as ChangeRejected {
            logger.warning("push refused", metadata: ["peer": "\(sender)", "reason": "\(rejected.reason)"])
            throw PeerRequestError(status: .unprocessableContent, code: "change_rejected",
                                   message: rejected.reason)
        } catch let refusal as ChainRefusal {
            logger.warning("push refused", metadata: ["peer": "\(sender)", "origin": "\(refusal.origin)", "code": "\(refusal.code.rawValue)",
                                                      "reason": "\(refusal.reason)"])
            throw PeerRequestError(status: HTTPResponse.Status(code: refusal.code.status), code: refusal.code.rawValue,
                                   message: "\(refusal); nothing of the batch was applied")
        }
        logger.info("push applied", metadata: [
            "peer": "\(sender)", "applied": "\(outcome.applied)", "duplicates": "\(outcome.duplicates)", "conflicts": "\(outcome.conflicts)",
        ])
        for held in outcome.held {
            logger.warning("changes held", metadata: ["peer": "\(sender)", "origin": "\(held.origin)", "reason": "\(held)"])
        }
        let fleet = try await feed.fleet()
        return WireMessage.PushResponse(
            applied: outcome.applied, duplicates: outcome.duplicates, conflicts: outcome.conflicts,
            vector: fleet[0].vector.wire, report: fleet[0].wire, held: outcome.held.isEmpty ? nil : outcome.held.map(\.wire))
    }

    /// The refusal of a caller whose report comes from another database than the one this site
    /// knows under its site id (see ``IdentityConflict``), naming both.
    private static func secondDatabase(_ conflict: IdentityConflict) -> PeerRequestError {
        PeerRequestError(status: .conflict, code: "identity_conflict", message: conflict.refusal)
    }

    /// Reads the fleet reports of a request; a malformed one refuses the request.
    static func reports(_ wire: [WireMessage.Report]) throws -> [FleetReport] {
        var reports: [FleetReport] = []
        for (index, report) in wire.enumerated() {
            do { reports.append(try FleetReport(wire: report)) } catch {
                throw PeerRequestError.badRequest("fleet report #\(index): \(error.description)")
            }
        }
        return reports
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer) throws -> T {
        do { return try BodyCoding.decode(type, from: body) } catch let error as DecodingError {
            throw PeerRequestError.badRequest("body is not a valid \(T.self): \(error.briefDescription)")
        } catch let tooLong as ListTooLong {
            throw PeerRequestError(status: .contentTooLarge, code: "batch_too_large", message: "\(tooLong); nothing was read further")
        }
    }
}
