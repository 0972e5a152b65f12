import NIOCore
import NIOPosix

/// Reads a transport failure by its type rather than its text: the socket error (`errno`) under it.
package enum TransportFailure {
    /// The socket error under `error`: the error itself, or the first of the connection attempts
    /// NIO made (one per address of the host); `nil` when it is not a socket error.
    package static func socketErrno(of error: any Error) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        if let connection = error as? NIOConnectionError {
            return connection.connectionErrors.lazy.compactMap { ($0.error as? IOError)?.errnoCode }.first
        }
        return nil
    }
}
