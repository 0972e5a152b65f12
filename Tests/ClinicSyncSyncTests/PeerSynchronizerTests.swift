import AsyncHTTPClient
import ClinicSyncCore
import ClinicSyncSync
import ClinicSyncTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// A sync session (`PeerSynchronizer` with `PeerClient`) against the real peer API over real HTTP
/// on 127.0.0.1, both sides memory feeds: what moves, in what batches, and that nothing moves twice.
@Suite("Sync sessions against the real peer API (in process)")
struct PeerSynchronizerTests {
    static func session(
        from local: MemoryChangeFeed, to target: MemoryChangeFeed, port: Int, batch: Int = 1000
    ) async throws -> PeerSynchronizer.Outcome {
        let endpoint = PeerEndpoint(
            name: target.siteID.rawValue, url: "http://127.0.0.1:\(port)",
            secret: try PeerSecret(SiteConfigurationFile.secret(local.siteID.rawValue, target.siteID.rawValue)))
        // As the daemon's client: bodies arrive as sent (the sync layer inflates gzip itself).
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(3), read: .seconds(10))))
        let client = PeerClient(http: http, peer: endpoint, localSite: local.siteID, timeout: .seconds(10), compression: true)
        let synchronizer = PeerSynchronizer(feed: local, client: client, limits: .init(changes: batch, bytes: 1 << 20, compress: true))
        var outcome = PeerSynchronizer.Outcome()
        do {
            try await synchronizer.run(into: &outcome)
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
        return outcome
    }

    @Test("one session pulls what the caller lacks and pushes what the peer lacks; a second moves nothing")
    func sessionMovesBothWaysOnce() async throws {
        let (north, south) = (MemoryChangeFeed("north"), MemoryChangeFeed("south"))
        await north.write(5)
        await south.write(7)
        try await PeerAPIHarness.application(serving: south, to: ["north"]).test(.live) { client in
            let port = try #require(client.port)
            let first = try await Self.session(from: north, to: south, port: port)
            #expect(first.received == 7 && first.sent == 5)
            #expect(await north.all == south.all)
            let second = try await Self.session(from: north, to: south, port: port)
            #expect(second.received == 0 && second.sent == 0)
        }
        #expect(await north.all.count == 12)
    }

    @Test("a backlog goes in bounded batches, each applied whole")
    func backlogInBatches() async throws {
        let (north, south) = (MemoryChangeFeed("north"), MemoryChangeFeed("south"))
        await south.write(2_500)
        try await PeerAPIHarness.application(serving: south, to: ["north"]).test(.live) { client in
            let outcome = try await Self.session(from: north, to: south, port: try #require(client.port), batch: 1000)
            #expect(outcome.received == 2_500)
        }
        #expect(await north.appliedBatches == 3)
        #expect(await north.versionVector() == south.versionVector())
    }

    @Test("a caller the peer does not know is refused, and nothing moves either way")
    func unknownCallerIsRefused() async throws {
        let (stranger, south) = (MemoryChangeFeed("stranger"), MemoryChangeFeed("south"))
        await stranger.write(2)
        await south.write(2)
        try await PeerAPIHarness.application(serving: south, to: ["north"]).test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: SyncError.self) { try await Self.session(from: stranger, to: south, port: port) }
        }
        #expect(await stranger.all.count == 2)
        #expect(await south.all.count == 2)
    }
}
