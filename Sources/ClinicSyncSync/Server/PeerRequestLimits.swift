import ClinicSyncCore
import Synchronization

/// What one peer may ask of this site at once: a few requests in progress (a session has at most a
/// hello, two pulls and a push under way), each of whose bodies must arrive within a deadline, so
/// a slow or hostile caller ties up only its own requests, never the site's other duties.
package struct PeerRequestLimits: Sendable {
    /// Requests one peer may have in progress at once; more get 429 `too_many_requests`.
    package var concurrentPerPeer: Int
    /// How long a request's body may take to arrive, plus one second per 16 KiB it declares (so a
    /// large batch over a slow link still arrives); a slower one gets 408 `request_timeout`.
    package var bodyDeadline: Duration

    package init(concurrentPerPeer: Int = 4, bodyDeadline: Duration) {
        self.concurrentPerPeer = concurrentPerPeer
        self.bodyDeadline = bodyDeadline
    }

    /// The deadline of a body of `contentLength` bytes (the largest body allowed when not declared).
    func bodyDeadline(contentLength: Int?) -> Duration {
        let bytes = min(max(contentLength ?? WireProtocol.maximumBodyBytes, 0), WireProtocol.maximumBodyBytes)
        return bodyDeadline + .seconds(bytes / 16_384)
    }
}

/// Counts each peer's requests in progress.
final class PeerRequestCounter: Sendable {
    private let inFlight = Mutex<[SiteID: Int]>([:])

    /// Takes a slot for `site` unless it already holds `limit`.
    func enter(_ site: SiteID, limit: Int) -> Bool {
        inFlight.withLock { counts in
            guard counts[site, default: 0] < limit else { return false }
            counts[site, default: 0] += 1
            return true
        }
    }

    func leave(_ site: SiteID) {
        inFlight.withLock { counts in
            counts[site, default: 1] -= 1
            if counts[site] == 0 { counts[site] = nil }
        }
    }
}

/// A request body that did not arrive within its deadline.
struct BodyDeadlineExceeded: Error {}

/// Runs `body`, giving up with ``BodyDeadlineExceeded`` after `deadline`.
func withDeadline<T: Sendable>(_ deadline: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: deadline)
            throw BodyDeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw BodyDeadlineExceeded() }
        return first
    }
}
