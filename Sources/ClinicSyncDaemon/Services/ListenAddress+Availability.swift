import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ListenAddress {
    /// Fails with an error naming the address when it cannot be bound right now (in use, not an
    /// address of this machine, a privileged port), so the daemon stops before starting anything.
    func checkAvailable() throws(DaemonError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw .cannotListen(address: description, reason: "the host name does not resolve")
        }
        defer { freeaddrinfo(result) }
        let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard descriptor >= 0 else { throw .cannotListen(address: description, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = errno == EADDRINUSE ? "the address is in use (another clinicsync, or another program?)" : String(cString: strerror(errno))
            throw .cannotListen(address: description, reason: reason)
        }
    }
}
