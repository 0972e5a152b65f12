import Dispatch

/// Threads of their own for the in-process server and client tests. The CLI tests in the same
/// test process wait for child processes synchronously, which holds threads of Swift's
/// cooperative pool (one per core); a Hummingbird handler queued behind them would time out.
/// Work started under ``run(_:)`` prefers these threads and so does not queue behind them.
package final class DedicatedExecutor: TaskExecutor {
    package static let shared = DedicatedExecutor()

    private let queue = DispatchQueue(label: "clinicsync-test-executor", attributes: .concurrent)

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs `body`, and every task it starts, on these threads.
    package static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(shared) { try await body() }
    }
}
