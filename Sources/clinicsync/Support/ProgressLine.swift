import ClinicSyncDaemon
import Foundation
import Synchronization

/// A progress line on standard error for long syncs: rewritten in place on a terminal, otherwise
/// printed at most once a second.
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lastPrinted = Mutex<ContinuousClock.Instant?>(nil)

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ progress: SyncProgress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = lastPrinted.withLock { last -> Bool in
            guard last.map({ now - $0 >= (isTerminal ? .milliseconds(100) : .seconds(1)) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let text = "syncing with \(progress.peer): \(progress.moved) changes moved"
        FileHandle.standardError.write(Data((isTerminal ? "\r\(text)\u{1B}[K" : "\(text)\n").utf8))
    }

    func finish() {
        guard enabled, isTerminal, lastPrinted.withLock({ $0 }) != nil else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
