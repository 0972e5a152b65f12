import NIOPosix
import Synchronization

/// Where sign-ins check passwords: bcrypt takes about a quarter of a second on purpose, so it gets
/// one thread of its own (never the store's, which sync and compaction need) and a short queue;
/// beyond it a sign-in is answered "busy" at once.
enum ConsoleSignIns {
    static let queueLimit = 8

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()
    private static let waiting = Mutex(0)

    /// `body`'s result, or `nil` when the queue is full.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T? {
        let admitted = waiting.withLock { count in
            guard count < queueLimit else { return false }
            count += 1
            return true
        }
        guard admitted else { return nil }
        defer { waiting.withLock { $0 -= 1 } }
        return try await pool.runIfActive(body)
    }
}
