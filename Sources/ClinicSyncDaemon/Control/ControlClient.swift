import AsyncHTTPClient
import ClinicSyncSync
import Foundation
import NIOCore
import NIOHTTP1

/// Talks to a running daemon over its control socket, for `sync now` and `status`.
struct ControlClient: Sendable {
    let socketPath: String
    let http: HTTPClient

    /// A client for the daemon listening on `socketPath`.
    init(socketPath: String, http: HTTPClient) {
        self.socketPath = socketPath
        self.http = http
    }

    /// Whether a daemon seems to listen: the socket file exists.
    var socketExists: Bool { FileManager.default.fileExists(atPath: socketPath) }

    /// The daemon's own report, or `nil` when no daemon answers on the socket.
    ///
    /// Throws when a daemon's socket exists but this user may not use it, rather than acting as if
    /// no daemon ran (which would then fail on the database for the same reason, less clearly).
    /// The whole status report from the running daemon; `nil` when no daemon answers.
    func report() async throws(DaemonError) -> StatusReport? {
        guard try await info() != nil, let url = URL(httpURLWithSocketPath: socketPath, uri: "/v1/report") else { return nil }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        guard let response = try? await http.execute(request, timeout: .seconds(30)), response.status == .ok,
            let body = try? await response.body.collect(upTo: 16 << 20)
        else { return nil }
        return try? JSONDecoder().decode(StatusReport.self, from: Data(body.readableBytesView))
    }

    func info() async throws(DaemonError) -> DaemonInfo? {
        guard socketExists else {
            if access((socketPath as NSString).deletingLastPathComponent, X_OK) != 0, errno == EACCES {
                throw .control(reason: "permission denied on the directory of \(socketPath); run as the clinicsync user or a member of its group")
            }
            return nil
        }
        guard access(socketPath, R_OK | W_OK) == 0 else {
            throw .control(reason: "permission denied on \(socketPath); run as the clinicsync user or a member of its group")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: "/v1/status") else { return nil }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        guard let response = try? await http.execute(request, timeout: .seconds(5)), response.status == .ok,
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return try? JSONDecoder().decode(DaemonInfo.self, from: Data(body.readableBytesView))
    }

    /// Asks the daemon to sync now and streams its events; throws if the socket cannot be used.
    func sync(peer: String?, onEvent: (ControlSyncEvent) -> Void) async throws(DaemonError) {
        let query = peer.map { "?peer=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: "/v1/sync" + query) else {
            throw .control(reason: "invalid socket path \(socketPath)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        do {
            let response = try await http.execute(request, timeout: .hours(24))
            guard response.status == .ok else { throw DaemonError.control(reason: "daemon answered HTTP \(response.status.code)") }
            var pending = Data()
            for try await chunk in response.body {
                pending.append(contentsOf: chunk.readableBytesView)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[pending.index(after: newline)...])
                    if let event = try? JSONDecoder().decode(ControlSyncEvent.self, from: line) { onEvent(event) }
                }
            }
        } catch let error as DaemonError {
            throw error
        } catch {
            throw .control(reason: Self.describe(error, socket: socketPath))
        }
    }

    static func describe(_ error: any Error, socket: String) -> String {
        if TransportFailure.socketErrno(of: error) == EACCES {
            return "permission denied on \(socket); run as the clinicsync user or a member of its group"
        }
        return "cannot talk to the daemon on \(socket): \(error)"
    }
}
