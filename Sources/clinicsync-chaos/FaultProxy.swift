import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy in front of one directed peer link (site A calling site B) that injects faults:
/// refused connections (a partition), connections cut after some bytes (mid-request or
/// mid-response), delays, stalls, and tampering (a value in an uncompressed body rewritten). Plain
/// threads and sockets: it is test equipment, kept apart from the product's code.
final class FaultProxy: Sendable {
    enum Mode: Sendable, Equatable, CustomStringConvertible {
        case pass
        case refuse
        case cutAfter(bytes: Int)
        case delay(milliseconds: Int)
        case stall
        /// Rewrites one letter of every `"notes":"` value passing through (bodies a site sends
        /// uncompressed): a relay or link altering a change, which its receiver must refuse.
        case tamper

        var description: String {
            switch self {
            case .pass: return "pass"
            case .refuse: return "refuse"
            case let .cutAfter(bytes): return "cut after \(bytes) bytes"
            case let .delay(milliseconds): return "delay \(milliseconds) ms"
            case .stall: return "stall"
            case .tamper: return "tamper"
            }
        }
    }

    let port: Int
    let targetPort: Int
    private let listener: Int32
    private let state = Mutex<(mode: Mode, closed: Bool, cuts: Int, refusals: Int, tampered: Int)>((.pass, false, 0, 0, 0))

    init(targetPort: Int, port listenPort: Int) throws {
        self.targetPort = targetPort
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: listenPort)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 64) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// A link to a site behind NAT: it refuses every connection whatever its mode (nobody can
    /// call that site; it calls out).
    private let natted = Atomic<Bool>(false)

    var unreachable: Bool {
        get { natted.load(ordering: .relaxed) }
        set { natted.store(newValue, ordering: .relaxed) }
    }

    var mode: Mode {
        get { unreachable ? .refuse : state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    /// Connections cut and refused, and values rewritten, so far.
    var faultCounts: (cuts: Int, refusals: Int, tampered: Int) { state.withLock { ($0.cuts, $0.refusals, $0.tampered) } }

    func close() {
        state.withLock { $0.closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if state.withLock({ $0.closed }) { return }
                continue
            }
            let mode = self.mode
            if mode == .refuse {
                state.withLock { $0.refusals += 1 }
                Glibc.close(client)
                continue
            }
            Thread.detachNewThread { [self] in relay(client) }
        }
    }

    private func relay(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: targetPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            Glibc.close(upstream)
            Glibc.close(client)
            return
        }
        let budget = ByteBudget()
        let done = DispatchGroup()
        for (from, to) in [(client, upstream), (upstream, client)] {
            done.enter()
            Thread.detachNewThread { [self] in
                pump(from: from, to: to, budget: budget)
                shutdown(from, Int32(SHUT_RDWR))
                shutdown(to, Int32(SHUT_RDWR))
                done.leave()
            }
        }
        done.wait()
        Glibc.close(client)
        Glibc.close(upstream)
    }

    /// Forwards bytes one way, applying the link's fault as it is now: a fault injected while a
    /// connection is open (kept alive by a client's pool) hits that connection too.
    private func pump(from: Int32, to: Int32, budget: ByteBudget) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(from, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            let mode = self.mode
            switch mode {
            case .refuse:
                state.withLock { $0.cuts += 1 }
                return
            case let .cutAfter(bytes): budget.arm(bytes)
            case let .delay(milliseconds): usleep(useconds_t(milliseconds * 1000))
            case .stall:
                // Hold the connection silent until the client gives up (its request timeout).
                while !state.withLock({ $0.closed }) && self.mode == .stall { usleep(50_000) }
                return
            case .tamper:
                let rewritten = Self.tamper(&buffer, count: count)
                if rewritten > 0 { state.withLock { $0.tampered += rewritten } }
            default: break
            }
            let allowed = budget.take(count)
            if allowed > 0 { _ = buffer.withUnsafeBytes { send(to, $0.baseAddress, allowed, Int32(MSG_NOSIGNAL)) } }
            if allowed < count {
                state.withLock { $0.cuts += 1 }
                return
            }
        }
    }

    /// Changes the first letter of each `"notes":"` value in `buffer[..<count]` (a to b, b to a,
    /// others to x), keeping the JSON valid and its length; returns how many it changed.
    private static func tamper(_ buffer: inout [UInt8], count: Int) -> Int {
        let pattern = Array(#""notes":""#.utf8)
        var changed = 0
        var index = 0
        while index + pattern.count < count {
            if buffer[index] == pattern[0], Array(buffer[index..<(index + pattern.count)]) == pattern {
                let target = index + pattern.count
                let letter = buffer[target]
                if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(letter) {
                    buffer[target] =
                        letter == UInt8(ascii: "a") ? UInt8(ascii: "b") : letter == UInt8(ascii: "b") ? UInt8(ascii: "a") : UInt8(ascii: "x")
                    changed += 1
                }
                index = target
            } else {
                index += 1
            }
        }
        return changed
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}

/// The bytes a cut connection may still carry, shared by its two directions; unlimited until a
/// cut is armed.
private final class ByteBudget: Sendable {
    private let remaining = Mutex<Int?>(nil)

    /// Starts counting down from `bytes`, once per connection.
    func arm(_ bytes: Int) { remaining.withLock { if $0 == nil { $0 = bytes } } }

    /// Takes up to `count` bytes of the budget; returns how many may pass.
    func take(_ count: Int) -> Int {
        remaining.withLock { remaining in
            guard let left = remaining else { return count }
            let allowed = min(left, count)
            remaining = left - allowed
            return allowed
        }
    }
}
