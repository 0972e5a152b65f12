import Synchronization

/// Reports write transactions that held (or waited for) the database longer than a threshold: a
/// long one delays every other writer, the daemon's included, and the bound is one second.
final class SlowWrites: Sendable {
    private let reporter = Mutex<(threshold: Duration, report: @Sendable (_ operation: String, _ duration: Duration) -> Void)?>(nil)

    func install(over threshold: Duration, _ report: @escaping @Sendable (_ operation: String, _ duration: Duration) -> Void) {
        reporter.withLock { $0 = (threshold, report) }
    }

    /// Runs `body` (one write transaction) and reports it if it took longer than the threshold.
    func timing<T>(_ operation: StaticString, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            if let (threshold, report) = reporter.withLock({ $0 }), elapsed > threshold { report("\(operation)", elapsed) }
        }
        return try body()
    }
}

extension SiteStore {
    /// Calls `report` with the operation's name and its duration for every write transaction of
    /// this store that takes longer than `threshold`, from waiting for the lock to its commit.
    package func reportSlowWrites(over threshold: Duration, _ report: @escaping @Sendable (_ operation: String, _ duration: Duration) -> Void) {
        slowWrites.install(over: threshold, report)
    }
}
