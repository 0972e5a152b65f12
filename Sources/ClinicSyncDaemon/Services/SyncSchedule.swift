/// When each peer's next round is due: the scheduler's decisions as a value, tested without a
/// clock or a network (the scheduler feeds it instants and outcomes, and sleeps until it says).
///
/// - A peer that synced is due again after the interval; one that failed after a backoff that
///   doubles with each failure, capped (both with the jitter given, ±10% in the daemon, so sites
///   started together do not stay in lock-step).
/// - New changes (live sync) make every peer that is not failing due at once; a failing peer keeps
///   its backoff, so writes do not retry an unreachable peer.
/// - A failing peer that called in is reachable again: due at once, at most once per interval (a
///   peer that can call in but not be called, behind NAT, may call often).
struct SyncSchedule<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    let interval: Duration
    let maximumBackoff: Duration
    /// A factor near 1 applied to every wait.
    let jitter: @Sendable () -> Double

    private var nextDue: [String: Instant] = [:]
    private var failures: [String: Int] = [:]
    private var lastRetryOnCall: [String: Instant] = [:]
    /// When each peer's last round (run here) ended: an older success reported from elsewhere
    /// must not erase a newer failure.
    private var lastResult: [String: Instant] = [:]

    init(interval: Duration, maximumBackoff: Duration, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.9...1.1) }) {
        self.interval = interval
        self.maximumBackoff = maximumBackoff
        self.jitter = jitter
    }

    /// The peers of `peers` due at `now` (a peer never synced is due): those that synced last time
    /// first, in their order, then those being retried, so that a peer that is down (a round with
    /// it takes the connect timeout) does not hold up the others.
    func due(_ peers: [String], at now: Instant) -> [String] {
        let due = peers.filter { nextDue[$0].map { $0 <= now } ?? true }
        return due.filter { !isFailing($0) } + due.filter(isFailing)
    }

    /// When the scheduler should next wake: the earliest due peer, and at most an interval away.
    func wakeUp(for peers: [String], after now: Instant) -> Instant {
        let latest = now.advanced(by: interval)
        return peers.compactMap { nextDue[$0] }.reduce(latest) { min($0, $1) }
    }

    /// Records a round with `peer` that ended at `now`.
    mutating func roundFinished(_ peer: String, succeeded: Bool, at now: Instant) {
        let count = succeeded ? 0 : (failures[peer] ?? 0) + 1
        failures[peer] = count
        lastResult[peer] = now
        if succeeded { lastRetryOnCall[peer] = nil }
        nextDue[peer] = now.advanced(by: delay(afterFailures: count))
    }

    /// A round with `peer` could not start at `now` (another round held the store's sync lock):
    /// nothing is known about the peer, so it keeps its state and is due again after `retry`.
    mutating func roundSkipped(_ peer: String, at now: Instant, retry: Duration = .seconds(1)) {
        nextDue[peer] = now.advanced(by: retry)
    }

    /// A round that the scheduler did not run (`sync now` through the control socket) synced with
    /// `peer` at `syncedAt`: a peer that was failing is reachable again, unless a round here
    /// failed with it since.
    mutating func syncedElsewhere(_ peer: String, syncedAt: Instant) {
        guard isFailing(peer), lastResult[peer].map({ $0 < syncedAt }) ?? true else { return }
        roundFinished(peer, succeeded: true, at: syncedAt)
    }

    /// Whether `peer`'s last round failed.
    func isFailing(_ peer: String) -> Bool { (failures[peer] ?? 0) > 0 }

    /// The store holds new changes: every peer of `peers` that is not failing is due at `now`.
    mutating func changesArrived(_ peers: [String], at now: Instant) {
        for peer in peers where !isFailing(peer) { nextDue[peer] = now }
    }

    /// `peer` called in at `now`: if it is failing, try it now, once per interval at most.
    mutating func peerCalled(_ peer: String, at now: Instant) {
        guard isFailing(peer) else { return }
        if let last = lastRetryOnCall[peer], last.duration(to: now) < interval { return }
        lastRetryOnCall[peer] = now
        nextDue[peer] = now
    }

    private func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return interval * jitter() }
        let backoff = interval * Double(1 << min(failures - 1, 16))
        return min(backoff, maximumBackoff) * jitter()
    }
}
