import NIOPosix

/// Where the daemon runs every store call: SQLite calls block their thread (a long apply, a
/// compaction, a writer waiting out another process's lock), and on Swift's cooperative pool, which
/// has one thread per core, they would starve the peer API, the control socket and the systemd
/// watchdog heartbeat.
enum StoreThreads {
    /// Four threads: a compaction, an apply and two reads (a pull, the metrics gauges) can all run
    /// at once; writes still queue behind SQLite's one writer.
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Runs `body` on a store thread and waits for it without holding a cooperative thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
