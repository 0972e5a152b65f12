import Synchronization

/// Wakes the sync scheduler: its timer; live sync's news that the store holds new changes (a
/// write here, or changes received from a peer, which this site then passes on); or a peer that
/// called in, and so is reachable again. Wakeups coalesce (at most one is pending), so a burst of
/// writes makes one round.
final class SyncTrigger: Sendable {
    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let newChanges = Mutex(false)
    private let heard = Mutex<Set<String>>([])
    private let synced = Mutex<[String: ContinuousClock.Instant]>([:])

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The store holds changes a peer may lack.
    func changesArrived() {
        newChanges.withLock { $0 = true }
        continuation.yield()
    }

    /// Peer `name`'s request was served here: it is reachable again.
    func peerHeard(_ name: String) {
        let isNew = heard.withLock { $0.insert(name).inserted }
        if isNew { continuation.yield() }
    }

    /// The peers heard from since the last call.
    func takeHeardPeers() -> Set<String> {
        heard.withLock { names in
            defer { names = [] }
            return names
        }
    }

    /// A `sync now` round synced with peer `name` at `time` (its final pass with the peer succeeded).
    func peerSynced(_ name: String, at time: ContinuousClock.Instant) {
        synced.withLock { $0[name] = max($0[name] ?? time, time) }
        continuation.yield()
    }

    /// The peers `sync now` synced with since the last call, each with when.
    func takeSyncedPeers() -> [String: ContinuousClock.Instant] {
        synced.withLock { peers in
            defer { peers = [:] }
            return peers
        }
    }

    /// A peer's round is due.
    func timerExpired() {
        continuation.yield()
    }

    /// Whether changes arrived since the last call.
    func takeNewChanges() -> Bool {
        newChanges.withLock { pending in
            defer { pending = false }
            return pending
        }
    }

    /// Ends the wakeups (graceful shutdown).
    func finish() {
        continuation.finish()
    }
}
