import Foundation
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Talks to systemd's notification socket directly (no libsystemd): `READY=1`, `STATUS=...`,
/// `WATCHDOG=1`, `STOPPING=1`. Without `NOTIFY_SOCKET` every call does nothing.
struct SystemdNotifier: Sendable {
    /// The datagram socket systemd listens on (`@` for the abstract namespace).
    let socketPath: String?
    /// Half the watchdog timeout systemd set (`WATCHDOG_USEC`), or `nil` without a watchdog.
    let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forThisProcess = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forThisProcess, let micros = environment["WATCHDOG_USEC"].flatMap(Int64.init), micros > 0 {
            watchdogInterval = .microseconds(micros / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends one notification (several `KEY=value` lines may be joined with newlines).
    func notify(_ state: String) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let payload = Array(state.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, payload, payload.count, Int32(MSG_NOSIGNAL), socketAddress, length)
            }
        }
    }
}

/// Opens once: the scheduler waits on it so that no sync work (and no watchdog ping) precedes
/// `READY=1`.
final class ReadinessGate: Sendable {
    private let isOpen = Mutex(false)

    func open() { isOpen.withLock { $0 = true } }

    /// Returns once the gate is open; throws `CancellationError` if the task is cancelled first
    /// (a listener that fails to bind cancels the whole group, and nothing may hang then).
    func wait() async throws {
        while !isOpen.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the gate as a service of the group does: false when a graceful shutdown (or the
    /// group's cancellation) comes first, and the service then ends without an error. Thrown, that
    /// cancellation failed the group, and `serve` exited 1 on a SIGTERM that came before or just
    /// after `READY=1` (the gate is polled every 20 ms).
    func waitUnlessShutDown() async -> Bool {
        (try? await cancelWhenGracefulShutdown { try await self.wait() }) != nil
    }
}
