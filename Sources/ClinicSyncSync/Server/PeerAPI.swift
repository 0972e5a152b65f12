import ClinicSyncCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The peer protocol's server side: `/v2/hello`, `/v2/pull` and `/v2/push`; a version-1 peer's
/// requests get a 409 naming both versions.
///
/// Every request is checked in the same order before anything is read from or written to the
/// store: protocol version, schema version, sender site (must be a configured peer), body size and
/// encoding, JSON shape, then each change. A refusal is a 4xx answer naming the first problem, and
/// the store is untouched.
public struct PeerAPI: Sendable {
    let feed: any ChangeFeed
    let peers: PeerDirectory
    let transport: PeerTransport
    let limits: PeerRequestLimits
    let inFlight = PeerRequestCounter()
    let logger: Logger

    /// Serves `feed` to the sites `peers` lists, over `transport` (which decides what a caller
    /// must present: its certificate or its secret), within `limits` per peer.
    public init(feed: any ChangeFeed, peers: PeerDirectory, transport: PeerTransport, limits: PeerRequestLimits, logger: Logger) {
        self.feed = feed
        self.peers = peers
        self.transport = transport
        self.limits = limits
        self.logger = logger
    }

    /// Adds the protocol's routes to `router`.
    public func addRoutes(to router: Router<PeerRequestContext>) {
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
        router.add(middleware: MethodRefusal(allowed: Dictionary(uniqueKeysWithValues: ["hello", "pull", "push"]
            .flatMap { ["\(prefix)/\($0)", "/v1/\($0)"] }.map { ($0, HTTPRequest.Method.post) })))
        // A site still on protocol 1 calls these; it learns why the sync fails and what to do.
        for endpoint in ["hello", "pull", "push"] {
            router.post("/v1/\(endpoint)") { _, _ in
                Self.failure(PeerRequestError(
                    status: .conflict, code: "protocol_mismatch",
                    message: "peer speaks protocol 1, this site speaks \(WireProtocol.version); upgrade the older site (its changes wait in its log)"))
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
        var encoded: [Data] = []
        var bytes = 0
        let encoder = JSONEncoder()
        for change in batch.changes {
            let data = try encoder.encode(WireChange(change))
            if !encoded.isEmpty, bytes + data.count > budget { break }
            encoded.append(data)
            bytes += data.count + 1
        }
        let more = encoded.count < batch.changes.count || batch.changes.count == limit
        var buffer = ByteBuffer(string: "{\"changes\":[")
        for (index, data) in encoded.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeBytes(data)
        }
        buffer.writeString("],\"more\":\(more),\"through\":")
        buffer.writeBytes(try encoder.encode(batch.prefix(encoded.count).through.wire))
        buffer.writeString("}")
        logger.info("pull served", metadata: ["peer": "\(sender)", "changes": "\(encoded.count)", "more": "\(more)"])
        return buffer
    }

    private func push(_ sender: SiteID, _ body: ByteBuffer) async throws -> WireMessage.PushResponse {
        let push = try decode(WireMessage.PushRequest.self, body)
        var changes: [Change] = []
        changes.reserveCapacity(push.changes.count)
        for (index, wire) in push.changes.enumerated() {
            do { changes.append(try wire.change()) } catch {
                throw PeerRequestError.badRequest("change #\(index): \(error.description)")
            }
        }
        let outcome: ApplyOutcome
        do {
            let through: VersionVector
            do { through = try VersionVector(wire: push.through) } catch { throw PeerRequestError.badRequest("through: \(error.rule)") }
            let report = try Self.reports([push.report])
            if let conflict = try await feed.learn(report, from: sender) { throw Self.secondDatabase(conflict) }
            outcome = try await feed.apply(changes, through: through)
        } catch let rejected as ChangeRejected {
            logger.warning("push refused", metadata: ["peer": "\(sender)", "reason": "\(rejected.reason)"])
            throw PeerRequestError(status: .unprocessableContent, code: "change_rejected",
                                   message: rejected.reason)
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
