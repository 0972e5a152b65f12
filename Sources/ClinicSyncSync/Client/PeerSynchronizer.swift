package import ClinicSyncCore
import Foundation
import NIOCore

/// One sync session with one peer: pull what this site lacks, then push what the peer lacks.
///
/// Both directions are driven by version vectors, so only missing changes cross the wire and a
/// change never returns to a site that holds it. Each pulled batch is applied in one transaction,
/// which also advances this site's vector: an interrupted session resumes from the last applied
/// batch, and pushes resume from what the peer reports holding.
package struct PeerSynchronizer: Sendable {
    /// Batch bounds for both directions.
    package struct Limits: Sendable {
        package var changes: Int
        package var bytes: Int
        package var compress: Bool

        package init(changes: Int, bytes: Int, compress: Bool) {
            self.changes = changes
            self.bytes = bytes
            self.compress = compress
        }
    }

    /// What a session moved.
    package struct Outcome: Sendable, Equatable {
        package var received = 0
        package var sent = 0
        package var conflicts = 0
        /// Body bytes received and sent (compressed where compression was used).
        package var bytesIn = 0
        package var bytesOut = 0
        /// What the peer holds at the end of the session.
        package var peerVector = VersionVector()
        /// Whether the pull ran until the peer had nothing more this site lacked (not cut short by
        /// a batch of nothing new).
        package var pulledEverything = false
        package var peerSite: SiteID?
        /// Origins held back at this site (pulled) or at the peer (pushed), the latest per origin and side.
        package var heldHere: [HeldOrigin] = []
        package var heldAtPeer: [HeldOrigin] = []

        package init() {}
    }

    let feed: any ChangeFeed
    let client: PeerClient
    let limits: Limits

    /// A session between `feed`'s site and `client`'s peer.
    package init(feed: any ChangeFeed, client: PeerClient, limits: Limits) {
        self.feed = feed
        self.client = client
        self.limits = limits
    }

    /// Runs the session, counting into `outcome` as it goes (so a failed session still reports
    /// what it moved); `progress` is called with the number of changes moved so far.
    package func run(into outcome: inout Outcome, progress: @Sendable (Int) -> Void = { _ in }) async throws {
        let hello = try await client.hello()
        outcome.bytesIn += hello.wireBytes
        guard hello.value.site == client.peer.name else {
            throw SyncError.wrongSite(peer: client.peer.name, reported: hello.value.site)
        }
        guard let peerSite = try? SiteID(hello.value.site) else {
            throw SyncError.malformedResponse(peer: client.peer.name, reason: "site: not a site id")
        }
        outcome.peerSite = peerSite
        do { outcome.peerVector = try VersionVector(wire: hello.value.vector) } catch {
            throw SyncError.malformedResponse(peer: client.peer.name, reason: "vector: \(error.rule)")
        }
        var reports: [FleetReport] = []
        for report in hello.value.fleet {
            do { reports.append(try FleetReport(wire: report)) } catch {
                throw SyncError.malformedResponse(peer: client.peer.name, reason: "fleet report: \(error.description)")
            }
        }
        if let conflict = try await feed.learn(reports, from: peerSite) {
            throw SyncError.identityConflict(peer: client.peer.name, reason: conflict.description)
        }
        // A pull refused as a whole (its answer or batch was at fault, not the link) does not stop
        // the push: the peer still gets this site's changes, and the refusal is reported after.
        var refused: SyncError?
        do { try await pullAll(&outcome, progress: progress) } catch let error as SyncError {
            switch error {
            case .rejectedIncoming, .malformedResponse: refused = error
            default: throw error
            }
        }
        try await pushAll(&outcome, acceptsGzip: hello.value.accept_encoding.contains(BodyCoding.gzip), progress: progress)
        if let refused { throw refused }
    }

    private static func merge(_ held: [HeldOrigin], into list: inout [HeldOrigin]) {
        for origin in held {
            list.removeAll { $0.origin == origin.origin }
            list.append(origin)
        }
        list.sort { $0.origin < $1.origin }
    }

    private func pullAll(_ outcome: inout Outcome, progress: @Sendable (Int) -> Void) async throws {
        var vector = try await feed.versionVector()
        let fleet = try await feed.fleet().map(\.wire)
        var answer = try await pull(from: vector, fleet: fleet)
        var heldAny = false
        while true {
            outcome.bytesIn += answer.wireBytes
            let batch: ChangeBatch
            do {
                batch = try BatchBody.decode(changes: answer.value.changes, through: answer.value.through, proofs: answer.value.proofs) { reason in
                    SyncError.malformedResponse(peer: client.peer.name, reason: reason)
                }
            } catch let refusal as ChainRefusal {
                throw SyncError.rejectedIncoming(peer: client.peer.name, reason: refusal.description)
            }
            let changes = batch.changes
            let through = batch.through
            // Nothing new and nothing compacted away to catch up on: the pull is done, once the
            // origins' chain starts the batch carries alone (of origins whose legacy changes this
            // site holds) are kept, so that it can pass that history on.
            guard !changes.isEmpty || !vector.dominates(through) else {
                if !batch.proofs.isEmpty { _ = try await apply(batch) }
                outcome.pulledEverything = !answer.value.more
                return
            }
            // What this site holds once the batch is applied; the next batch is asked for from
            // there while this one applies (a failed apply cancels it, and nothing is lost: the
            // next session asks again from what was applied).
            var expected = vector.merged(with: through)
            for change in changes { expected.advance(change.origin, to: change.sequence) }
            let more = answer.value.more
            let nextVector = expected
            async let next = more ? pull(from: nextVector, fleet: fleet) : nil
            let applied = try await apply(batch)
            outcome.received += applied.applied
            outcome.conflicts += applied.conflicts
            Self.merge(applied.held, into: &outcome.heldHere)
            heldAny = heldAny || !applied.held.isEmpty
            progress(outcome.received + outcome.sent)
            guard more else {
                outcome.pulledEverything = !heldAny
                return
            }
            // The next batch is asked for past held changes too, so that a long held backlog does
            // not stop the other origins (the store keeps an origin held at its first held change
            // until that one applies, and the next session offers them again). A batch with nothing
            // above what was asked for means the peer ignores the vector: stop rather than loop.
            let fresh = changes.contains { $0.sequence > vector[$0.origin] } || !vector.dominates(through)
            guard fresh, let following = try await next else { return }
            vector = expected
            answer = following
        }
    }

    /// Applies a pulled batch; one this site refuses as a whole becomes ``SyncError/rejectedIncoming(peer:reason:)``.
    private func apply(_ batch: ChangeBatch) async throws -> ApplyOutcome {
        do { return try await feed.apply(batch) } catch let rejected as ChangeRejected {
            throw SyncError.rejectedIncoming(peer: client.peer.name, reason: rejected.reason)
        } catch let refusal as ChainRefusal {
            throw SyncError.rejectedIncoming(peer: client.peer.name, reason: "\(refusal); nothing of the batch was applied")
        }
    }

    private func pull(
        from vector: VersionVector, fleet: [WireMessage.Report]
    ) async throws(SyncError) -> PeerClient.Received<WireMessage.PullResponse> {
        try await client.pull(.init(vector: vector.wire, fleet: fleet, limit: limits.changes, max_bytes: limits.bytes))
    }

    private func pushAll(_ outcome: inout Outcome, acceptsGzip: Bool, progress: @Sendable (Int) -> Void) async throws {
        // After receiving, one push is sent even with nothing to carry: it tells the peer what this
        // site now holds, so a peer this site calls but that cannot call back can still compact.
        var acknowledgeReceipt = outcome.received > 0
        while true {
            let batch = try await feed.changes(missingFrom: outcome.peerVector, limit: limits.changes)
            guard !batch.changes.isEmpty || !outcome.peerVector.dominates(batch.through) || acknowledgeReceipt else { return }
            acknowledgeReceipt = false
            let (body, delivered) = try encodeBounded(batch, report: try await feed.fleet()[0])
            let (answer, sent) = try await client.push(body, compress: limits.compress && acceptsGzip)
            outcome.bytesOut += sent
            outcome.bytesIn += answer.wireBytes
            outcome.sent += answer.value.applied
            progress(outcome.received + outcome.sent)
            do {
                outcome.peerVector = try VersionVector(wire: answer.value.vector)
            } catch {
                throw SyncError.malformedResponse(peer: client.peer.name, reason: "vector: \(error.rule)")
            }
            do {
                let report = try FleetReport(wire: answer.value.report)
                try await feed.learn([report], from: outcome.peerSite ?? report.site)
                Self.merge(
                    try (answer.value.held ?? []).map { wire throws(ValidationError) in try HeldOrigin(wire: wire) }, into: &outcome.heldAtPeer)
            } catch let error as ValidationError {
                throw SyncError.malformedResponse(peer: client.peer.name, reason: "report: \(error.description)")
            }
            // The peer holds what it acknowledged, whatever its vector says: never send it again.
            for change in delivered.changes { outcome.peerVector.advance(change.origin, to: change.sequence) }
            outcome.peerVector = outcome.peerVector.merged(with: delivered.through)
        }
    }

    /// Encodes as many changes of `batch` as fit the byte bound (at least one, and on to the end of
    /// a group), with `through` for the origins none of whose changes were left out, their proofs,
    /// and this site's `report`.
    /// - Returns: the body, and the batch it carries.
    private func encodeBounded(_ batch: ChangeBatch, report: FleetReport) throws -> (ByteBuffer, ChangeBatch) {
        let (sent, body) = try BatchBody.encodePushRequest(batch, budget: limits.bytes, report: report)
        return (body, sent)
    }
}
