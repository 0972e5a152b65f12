import Synchronization

/// Wakes the sync scheduler: its timer, or live sync's news that the store holds new changes (a
/// write here, or changes received from a peer, which this site then passes on). Wakeups coalesce
/// (at most one is pending), so a burst of writes makes one round.
final class SyncTrigger: Sendable {
    let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let newChanges = Mutex(false)

    init() {
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The store holds changes a peer may lack.
    func changesArrived() {
        newChanges.withLock { $0 = true }
        continuation.yield()
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
