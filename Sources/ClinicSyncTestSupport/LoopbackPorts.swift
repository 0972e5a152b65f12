import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ports on 127.0.0.1 for sites under test, never the same one twice while it is in use: the
/// kernel may offer a port again as soon as its probe socket closes.
package enum LoopbackPorts {
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port nothing listens on now and no caller holds, below the kernel's ephemeral range: a
    /// port from that range (the kernel's pick for port 0) may be taken as the source port of an
    /// outgoing connection between being handed out and the daemon binding it.
    package static func next() throws -> Int {
        let below = ephemeralStart()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let port = Int.random(in: max(1024, below - 12_000)..<below, using: &generator)
            guard canBind(port), handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            return port
        }
        for _ in 0..<50 {
            let port = try kernelPort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// The first port of the kernel's ephemeral range (Linux: 32768 by default).
    private static func ephemeralStart() -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }.map { max($0, 13_024) } ?? 32_768
    }

    /// Whether a listener could bind `port` on 127.0.0.1 now.
    private static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Gives `ports` back: a long run hands out more ports than the kernel's ephemeral range holds
    /// (a 4-site chaos mesh takes 20 a seed; 1,000 seeds ran out at seed 726).
    package static func release(_ ports: [Int]) {
        handedOut.withLock { $0.subtract(ports) }
    }

    private static func kernelPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
