import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Stands in for systemd's notification socket for one site: the daemon pings `WATCHDOG=1` every
/// half second (`WATCHDOG_USEC` of one second), and the listener records the longest gap between
/// two pings of one daemon process, as systemd would see it.
final class WatchdogListener: Sendable {
    let path: String
    private let descriptor: Int32
    private let state = Mutex<(last: ContinuousClock.Instant?, gaps: [Duration], ready: Bool, stopped: Bool)>((nil, [], false, false))

    init(directory: String) throws {
        path = directory + "/notify.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ChaosError.setup("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw ChaosError.setup("cannot bind \(path)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Thread.detachNewThread { [self] in receive() }
    }

    /// The environment that makes `clinicsync serve` ping this listener.
    var environment: [String: String] { ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"] }

    /// A new daemon process starts: the gap since the previous one's last ping does not count.
    func processStarted() {
        state.withLock {
            $0.last = nil
            $0.ready = false
        }
    }

    /// Whether the current process has announced `READY=1` (systemd reloads a service only then).
    var isReady: Bool { state.withLock { $0.ready } }

    /// Gaps between two pings of one process that exceeded `limit`.
    func gaps(over limit: Duration) -> [Duration] { state.withLock { $0.gaps.filter { $0 > limit } } }

    /// Stops listening (within the receive timeout, on the listener's own thread).
    func close() { state.withLock { $0.stopped = true } }

    private func receive() {
        defer {
            Glibc.close(descriptor)
            unlink(path)
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !state.withLock({ $0.stopped }) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            if message.contains("READY=1") { state.withLock { $0.ready = true } }
            guard message.contains("WATCHDOG=1") else { continue }
            let now = ContinuousClock.now
            state.withLock { state in
                // Pings a killed process left queued arrive before the new one's READY=1: not counted.
                guard state.ready else { return }
                if let last = state.last { state.gaps.append(now - last) }
                state.last = now
            }
        }
    }
}
