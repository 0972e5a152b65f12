import Synchronization

/// Wakes the sync scheduler: its timer; live sync's news that the store holds new changes (a
/// write here, or changes received from a peer, which this site then passes on); a peer that
/// called in, and so is reachable again; or a `sync now` that reached a peer. Wakeups coalesce
/// (at most one is pending), and so does the news, so a burst of writes makes one round.
final class SyncTrigger: Sendable {
    /// What happened since the scheduler last looked.
    struct News: Sendable {
        /// The store holds changes a peer may lack.
        var changesArrived = false
        /// Peers whose requests were served here.
        var heard: Set<String> = []
        /// Peers a `sync now` synced with, each with when its round ended (the latest).
        var synced: [String: ContinuousClock.Instant] = [:]
    }

    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let news = Mutex(News())

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The store holds changes a peer may lack.
    func changesArrived() {
        record { $0.changesArrived = true }
    }

    /// Peer `name`'s request was served here: it is reachable again.
    func peerHeard(_ name: String) {
        // A peer's round is several requests: one wakeup for them all until the scheduler takes the news.
        if news.withLock({ $0.heard.insert(name).inserted }) { continuation.yield() }
    }

    /// A `sync now` round synced with peer `name` at `time` (its final pass with the peer succeeded).
    func peerSynced(_ name: String, at time: ContinuousClock.Instant) {
        record { $0.synced[name] = max($0.synced[name] ?? time, time) }
    }

    /// A peer's round is due.
    func timerExpired() {
        continuation.yield()
    }

    /// The news since the last call, cleared.
    func take() -> News {
        news.withLock { current in
            defer { current = News() }
            return current
        }
    }

    /// Ends the wakeups (graceful shutdown).
    func finish() {
        continuation.finish()
    }

    private func record(_ change: (inout News) -> Void) {
        news.withLock { change(&$0) }
        continuation.yield()
    }
}
