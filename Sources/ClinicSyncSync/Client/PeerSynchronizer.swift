import ClinicSyncCore
import Foundation
import NIOCore

/// One sync session with one peer: pull what this site lacks, then push what the peer lacks.
///
/// Both directions are driven by version vectors, so only missing changes cross the wire and a
/// change never returns to a site that holds it. Each pulled batch is applied in one transaction,
/// which also advances this site's vector: an interrupted session resumes from the last applied
/// batch, and pushes resume from what the peer reports holding.
public struct PeerSynchronizer: Sendable {
    /// Batch bounds for both directions.
    public struct Limits: Sendable {
        public var changes: Int
        public var bytes: Int
        public var compress: Bool

        public init(changes: Int, bytes: Int, compress: Bool) {
            self.changes = changes
            self.bytes = bytes
            self.compress = compress
        }
    }

    /// What a session moved.
    public struct Outcome: Sendable, Equatable {
        public var received = 0
        public var sent = 0
        public var conflicts = 0
        /// Body bytes received and sent (compressed where compression was used).
        public var bytesIn = 0
        public var bytesOut = 0
        /// What the peer holds at the end of the session.
        public var peerVector = VersionVector()
        public var peerSite: SiteID?

        public init() {}
    }

    let feed: any ChangeFeed
    let client: PeerClient
    let limits: Limits

    /// A session between `feed`'s site and `client`'s peer.
    public init(feed: any ChangeFeed, client: PeerClient, limits: Limits) {
        self.feed = feed
        self.client = client
        self.limits = limits
    }

    /// Runs the session, counting into `outcome` as it goes (so a failed session still reports
    /// what it moved); `progress` is called with the number of changes moved so far.
    public func run(into outcome: inout Outcome, progress: @Sendable (Int) -> Void = { _ in }) async throws {
        let hello = try await client.hello()
        outcome.bytesIn += hello.wireBytes
        guard hello.value.site == client.peer.name else {
            throw SyncError.wrongSite(peer: client.peer.name, reported: hello.value.site)
        }
        outcome.peerSite = try? SiteID(hello.value.site)
        do { outcome.peerVector = try VersionVector(wire: hello.value.vector) } catch {
            throw SyncError.malformedResponse(peer: client.peer.name, reason: "vector: \(error.rule)")
        }
        try await pullAll(&outcome, progress: progress)
        try await pushAll(&outcome, acceptsGzip: hello.value.accept_encoding.contains(BodyCoding.gzip), progress: progress)
    }

    private func pullAll(_ outcome: inout Outcome, progress: @Sendable (Int) -> Void) async throws {
        while true {
            let vector = try await feed.versionVector()
            let answer = try await client.pull(.init(vector: vector.wire, limit: limits.changes, max_bytes: limits.bytes))
            outcome.bytesIn += answer.wireBytes
            var changes: [Change] = []
            for (index, wire) in answer.value.changes.enumerated() {
                do { changes.append(try wire.change()) } catch {
                    throw SyncError.malformedResponse(peer: client.peer.name, reason: "change #\(index): \(error.description)")
                }
            }
            guard !changes.isEmpty else { return }
            let applied: ApplyOutcome
            do { applied = try await feed.apply(changes) } catch let rejected as ChangeRejected {
                throw SyncError.rejectedIncoming(peer: client.peer.name, reason: rejected.reason, clockSkew: rejected.isClockSkew)
            }
            outcome.received += applied.applied
            outcome.conflicts += applied.conflicts
            progress(outcome.received + outcome.sent)
            // A batch of nothing new means the peer ignores our vector; stop rather than loop.
            guard answer.value.more, applied.applied > 0 else { return }
        }
    }

    private func pushAll(_ outcome: inout Outcome, acceptsGzip: Bool, progress: @Sendable (Int) -> Void) async throws {
        while true {
            let batch = try await feed.changes(missingFrom: outcome.peerVector, limit: limits.changes)
            guard !batch.isEmpty else { return }
            let (body, carried) = try encodeBounded(batch)
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
            // The peer holds what it acknowledged, whatever its vector says: never send it again.
            for change in batch.prefix(carried) { outcome.peerVector.advance(change.origin, to: change.sequence) }
        }
    }

    /// Encodes as many changes of `batch` as fit the byte bound (at least one).
    private func encodeBounded(_ batch: [Change]) throws -> (ByteBuffer, Int) {
        let encoder = JSONEncoder()
        var buffer = ByteBuffer(string: "{\"changes\":[")
        var count = 0
        for change in batch {
            let data = try encoder.encode(WireChange(change))
            if count > 0, buffer.readableBytes + data.count > limits.bytes { break }
            if count > 0 { buffer.writeString(",") }
            buffer.writeBytes(data)
            count += 1
        }
        buffer.writeString("]}")
        return (buffer, count)
    }
}
