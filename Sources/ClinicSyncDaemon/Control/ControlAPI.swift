import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationEssentialsCompat

/// The daemon's local control API, served on a Unix socket: `GET /v1/status` (the daemon's own
/// facts), `GET /v1/report` (the whole `clinicsync status` report, so members of the socket's group
/// need no access to the database) and `POST /v1/sync[?peer=NAME]`, whose answer streams NDJSON
/// progress lines and ends with the report.
struct ControlAPI: Sendable {
    let coordinator: SyncCoordinator
    let store: SiteStore
    /// Told of each peer a round asked for here synced with, and when the round ended.
    let synced: @Sendable (String, ContinuousClock.Instant) -> Void
    let info: @Sendable () -> DaemonInfo
    /// The alert counts the daemon's watcher keeps.
    var alertCounts: OpenAlertCounts? = nil

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/status") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(info()))))
        }
        router.get("/v1/report") { [coordinator, store, info, alertCounts] _, _ in
            let configuration = await coordinator.currentConfiguration
            let daemon = info()
            let report = try await StoreThreads.run {
                try StatusReport.gather(configuration: configuration, store: store, daemon: daemon, alertCounts: alertCounts)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(report))))
        }
        router.add(middleware: MethodRefusal(allowed: ["/v1/status": .get, "/v1/report": .get, "/v1/sync": .post]))
        router.post("/v1/sync") { request, _ in
            let peer = request.uri.queryParameters["peer"].map(String.init)
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: syncStream(peer: peer))
        }
    }

    private func syncStream(peer: String?) -> ResponseBody {
        let (coordinator, synced) = (coordinator, synced)
        return ResponseBody { writer in
            let (events, continuation) = AsyncStream.makeStream(of: ControlSyncEvent.self)
            let round = Task {
                do {
                    let report = try await coordinator.runRound(peer: peer) { continuation.yield(ControlSyncEvent(progress: $0)) }
                    let ended = ContinuousClock.now
                    for result in report.peers where result.ok { synced(result.peer, ended) }
                    continuation.yield(ControlSyncEvent(report: report))
                } catch {
                    let isUsage = (error as? DaemonError).map { if case .unknownPeer = $0 { true } else { $0 == .noPeers } } ?? false
                    continuation.yield(ControlSyncEvent(error: String(describing: error), usageError: isUsage))
                }
                continuation.finish()
            }
            let encoder = JSONEncoder()
            for await event in events {
                var line = ByteBuffer(data: try encoder.encode(event))
                line.writeString("\n")
                try await writer.write(line)
            }
            await round.value
            try await writer.finish(nil)
        }
    }
}
