import ClinicSyncCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The current protocol's three routes, reached only through the envelope check, so each knows
/// its proven sender and has the body read (see ``PeerSessionContext``).
struct PeerRoutes: Sendable {
    let feed: any ChangeFeed
    let logger: Logger

    var collection: RouteCollection<PeerSessionContext> {
        let routes = RouteCollection(context: PeerSessionContext.self)
        routes.post("hello") { _, context in
            // The body says nothing, but must be empty or a JSON object, as the protocol states.
            guard context.body.readableBytes == 0 || (try? BodyCoding.decode(EmptyObject.self, from: context.body)) != nil else {
                throw PeerRequestError.badRequest("the hello body must be empty or a JSON object")
            }
            return try context.answer(BodyCoding.encode(try await hello()))
        }
        routes.post("pull") { _, context in try context.answer(try await pull(context.sender, context.body)) }
        routes.post("push") { _, context in try context.answer(BodyCoding.encode(try await push(context.sender, context.body))) }
        return routes
    }

    private func hello() async throws -> WireMessage.Hello {
        WireMessage.Hello(
            site: feed.siteID.rawValue, protocol_version: WireProtocol.version, schema_version: WireProtocol.schemaVersion,
            vector: try await feed.versionVector().wire, accept_encoding: [BodyCoding.gzip],
            fleet: try await feed.fleet().map(\.wire))
    }

    private func pull(_ sender: SiteID, _ body: ByteBuffer) async throws -> ByteBuffer {
        let pull = try decode(WireMessage.PullRequest.self, body)
        let vector: VersionVector
        do { vector = try VersionVector(wire: pull.vector) } catch { throw PeerRequestError.badRequest("vector: \(error.rule)") }
        guard pull.limit > 0, pull.max_bytes > 0 else { throw PeerRequestError.badRequest("limit and max_bytes must be positive") }
        let limit = min(pull.limit, WireProtocol.maximumBatchChanges)
        let budget = min(pull.max_bytes, WireProtocol.maximumBodyBytes / 2)
        let reports = try Self.reports(pull.fleet)
        if let conflict = try await feed.learn(reports, from: sender) { throw Self.secondDatabase(conflict) }
        let batch = try await feed.changes(missingFrom: vector, limit: limit)
        let (sent, answer) = try BatchBody.encodePullResponse(batch, budget: budget)
        logger.info("pull served", metadata: ["peer": "\(sender)", "changes": "\(sent.changes.count)", "more": "\(!sent.isComplete)"])
        return answer
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
            throw PeerRequestError(status: .unprocessableContent, code: "change_rejected", message: rejected.reason)
        } catch let refusal as ChainRefusal {
            logger.warning(
                "push refused",
                metadata: [
                    "peer": "\(sender)", "origin": "\(refusal.origin)", "code": "\(refusal.code.rawValue)",
                    "reason": "\(refusal.reason)",
                ])
            throw PeerRequestError(
                status: HTTPResponse.Status(code: refusal.code.status), code: refusal.code.rawValue,
                message: "\(refusal); nothing of the batch was applied")
        }
        logger.info(
            "push applied",
            metadata: [
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
