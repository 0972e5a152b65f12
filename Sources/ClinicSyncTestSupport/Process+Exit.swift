package import Foundation

extension Process {
    /// Waits for the process to end and returns its exit status, polling every 10 ms rather than
    /// blocking a thread of Swift's cooperative pool in `waitUntilExit` (which it falls back to if
    /// the task is cancelled).
    @discardableResult
    package func exited() async -> Int32 {
        while isRunning {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { break }
        }
        waitUntilExit()
        return terminationStatus
    }
}
