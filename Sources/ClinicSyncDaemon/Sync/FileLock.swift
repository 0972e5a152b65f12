import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a file beside the database, shared by every process on the machine.
///
/// `flock` locks belong to the open file, so two holders in one process exclude each other too.
/// The kernel drops the lock when the process dies, so a crash never leaves a stale lock.
final class FileLock: Sendable {
    let path: String
    private let descriptor: Int32

    /// Takes the lock if it is free; `nil` if another holder has it.
    static func tryAcquire(path: String) throws(DaemonError) -> FileLock? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .lockUnavailable(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return FileLock(path: path, descriptor: descriptor)
    }

    /// Waits for the lock, polling, for at most `timeout`.
    static func acquire(path: String, timeout: Duration) async throws -> FileLock? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let lock = try tryAcquire(path: path) { return lock }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Records `text` (the holder's pid) in the lock file for others to read.
    func write(_ text: String) {
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// The text the current holder recorded, if any.
    static func holderText(path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
