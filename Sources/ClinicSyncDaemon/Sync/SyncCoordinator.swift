import AsyncHTTPClient
import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation
import Logging
import NIOCore

/// Runs sync rounds: with every configured peer (or one), one at a time, under the store's sync
/// lock, recording each outcome in the store. The daemon's scheduler, its control socket and
/// `clinicsync sync now` without a daemon all go through this one type.
actor SyncCoordinator {
    private var configuration: SiteConfiguration
    private let store: SiteStore
    private let http: HTTPClient
    private let identity: SiteIdentity?
    private var chains: SiteChains
    private let logger: Logger
    /// One client per TLS peer, trusting only that peer's pinned certificate.
    private var tlsClients: [String: HTTPClient] = [:]

    /// A coordinator for `store`, using `http` for plain-HTTP peers and `identity` for TLS peers.
    init(configuration: SiteConfiguration, store: SiteStore, http: HTTPClient, identity: SiteIdentity?, chains: SiteChains, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.http = http
        self.identity = identity
        self.chains = chains
        self.logger = logger
    }

    /// Closes the per-peer TLS clients.
    func shutdown() async {
        for client in tlsClients.values { try? await client.shutdown() }
        tlsClients = [:]
    }

    /// Takes a reloaded configuration's peers, fleet keys and limits for the next rounds.
    func reload(_ newConfiguration: SiteConfiguration, chains newChains: SiteChains) {
        configuration = newConfiguration
        chains = newChains
    }

    /// The configured peers.
    var peers: [PeerEndpoint] { configuration.peers }

    /// The configuration as last reloaded.
    var currentConfiguration: SiteConfiguration { configuration }

    /// Syncs with `peerName` (or every peer), waiting up to `lockTimeout` for another round to end.
    func runRound(
        peer peerName: String? = nil, lockTimeout: Duration = .seconds(120),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        let targets = try selectPeers(peerName)
        guard let lock = try await FileLock.acquire(path: configuration.databasePath + ".sync-lock", timeout: lockTimeout) else {
            throw DaemonError.syncBusy(timeout: "\(lockTimeout)")
        }
        defer { withExtendedLifetime(lock) {} }
        var report = SyncReport(peers: targets.map(SyncReport.Peer.init(empty:)))
        // A site between others relays: what one peer delivered goes to the peers already visited
        // in the next pass. Passes repeat until one moves nothing (at most three).
        for _ in 1...3 {
            let recovering = try await !recoveringFrom().isEmpty
            var moved = 0
            for (index, peer) in targets.enumerated() {
                let result = await sync(with: peer, progress: progress)
                report.peers[index].absorb(result)
                moved += result.sent + result.received
            }
            // Once a restored site has recovered, the changes it held back go out in the same round.
            let recovered = try await recovering ? recoveringFrom().isEmpty : false
            if !recovered && (moved == 0 || targets.count < 2 || !report.succeeded) { break }
        }
        return report
    }

    private func selectPeers(_ name: String?) throws -> [PeerEndpoint] {
        guard let name else {
            guard !configuration.peers.isEmpty else { throw DaemonError.noPeers }
            return configuration.peers
        }
        guard let peer = configuration.peers.first(where: { $0.name == name }) else {
            throw DaemonError.unknownPeer(name: name, known: configuration.peers.map(\.name))
        }
        return [peer]
    }

    /// The HTTP client for `peer`: the shared one, or for TLS a client whose only trust root is the
    /// peer's certificate, fetched once and accepted only with the pinned fingerprint.
    private func httpClient(for peer: PeerEndpoint) async throws -> HTTPClient {
        guard peer.usesTLS else { return http }
        if let client = tlsClients[peer.name] { return client }
        guard let identity, let fingerprint = peer.fingerprint, let url = URL(string: peer.url), let host = url.host else {
            throw SyncError.unreachable(peer: peer.name, reason: "no site identity for TLS; run `clinicsync init`")
        }
        let certificate = try await PeerCertificateFetcher.fetch(
            peer: peer.name, host: host, port: url.port ?? 443, expected: fingerprint, identity: identity,
            timeout: .seconds(PeerHTTPClient.connectTimeout))
        let client = PeerHTTPClient.make(
            requestTimeoutSeconds: configuration.sync.requestTimeout.components.seconds,
            tls: PeerTLS.client(identity: identity, trusting: certificate))
        tlsClients[peer.name] = client
        return client
    }

    /// Drops a TLS peer's client after a failure, so the next round checks its certificate afresh.
    private func forgetClient(of peer: PeerEndpoint) async {
        if let client = tlsClients.removeValue(forKey: peer.name) { try? await client.shutdown() }
    }

    private func sync(with peer: PeerEndpoint, progress: @escaping @Sendable (SyncProgress) -> Void) async -> SyncReport.Peer {
        let start = ContinuousClock.now
        var entry = SyncReport.Peer(empty: peer)
        var outcome = PeerSynchronizer.Outcome()
        do {
            try await exchange(with: peer, into: &outcome, progress: progress)
            entry.ok = true
            // Recovered from this peer only if it sent everything this site lacked of its own.
            if let site = outcome.peerSite, outcome.pulledEverything, try await !recoveringFrom().isEmpty {
                let peers = configuration.peerSiteIDs
                try await StoreThreads.run { [store] in try store.recovered(from: site, configuredPeers: peers) }
                let waiting = try await recoveringFrom().map(\.rawValue).joined(separator: ",")
                logger.notice("recovery after restore: synced with peer", metadata: ["peer": "\(site)", "still_waiting_for": "\(waiting)"])
            }
        } catch {
            entry.error = String(describing: error)
            await forgetClient(of: peer)
        }
        let held = outcome.heldHere.map { SyncReport.Held($0, where: "here") } + outcome.heldAtPeer.map { SyncReport.Held($0, where: "peer") }
        entry.held = held.isEmpty ? nil : held
        if (outcome.heldHere + outcome.heldAtPeer).contains(where: \.isClockSkew) { entry.clockProblem = true }
        entry.sent = outcome.sent
        entry.received = outcome.received
        entry.conflicts = outcome.conflicts
        entry.bytesIn = outcome.bytesIn
        entry.bytesOut = outcome.bytesOut
        let elapsed = ContinuousClock.now - start
        entry.durationMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        await record(entry, outcome: outcome)
        SyncMetrics.roundFinished(entry, duration: elapsed)
        return entry
    }

    private func exchange(
        with peer: PeerEndpoint, into outcome: inout PeerSynchronizer.Outcome, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws {
        let settings = configuration.sync
        let settingsPeers = configuration.peerSiteIDs
        let client = PeerClient(
            http: try await httpClient(for: peer), peer: peer, localSite: store.siteID,
            timeout: .seconds(settings.requestTimeout.components.seconds), compression: settings.compression)
        let synchronizer = PeerSynchronizer(
            feed: StoreChangeFeed(store: store, configuredPeers: { [peers = settingsPeers] in peers }, chains: { [chains] in chains }),
            client: client,
            limits: .init(changes: settings.batchChanges, bytes: settings.batchBytes, compress: settings.compression))
        try await synchronizer.run(into: &outcome) { moved in progress(SyncProgress(peer: peer.name, moved: moved)) }
    }

    private func recoveringFrom() async throws -> [SiteID] {
        try await StoreThreads.run { [store] in try store.recoveringFrom() }
    }

    private func record(_ entry: SyncReport.Peer, outcome: PeerSynchronizer.Outcome) async {
        var metadata: Logger.Metadata = [
            "peer": "\(entry.peer)", "sent": "\(entry.sent)", "received": "\(entry.received)",
            "conflicts": "\(entry.conflicts)", "bytes_in": "\(entry.bytesIn)", "bytes_out": "\(entry.bytesOut)",
            "duration_ms": "\(entry.durationMilliseconds)",
        ]
        if let error = entry.error {
            metadata["error"] = "\(error)"
            logger.warning("sync with peer failed", metadata: metadata)
        } else {
            logger.info("sync with peer done", metadata: metadata)
        }
        for held in entry.held ?? [] {
            var heldMetadata: Logger.Metadata = ["peer": "\(entry.peer)", "origin": "\(held.origin)", "seq": "\(held.seq)", "where": "\(held.where)"]
            if let ahead = held.aheadMilliseconds { heldMetadata["ahead_ms"] = "\(ahead)" }
            logger.warning("changes held: \(held.message)", metadata: heldMetadata)
        }
        let result = PeerSyncResult(
            peer: entry.peer, url: entry.url, succeeded: entry.ok, error: entry.error, clockProblem: entry.clockProblem,
            sent: entry.sent, received: entry.received, peerVector: outcome.peerSite == nil ? nil : outcome.peerVector, peerSite: outcome.peerSite)
        do {
            try await StoreThreads.run { [store] in try store.recordPeerSync(result) }
        } catch {
            logger.error("cannot record sync state", metadata: ["peer": "\(entry.peer)", "error": "\(error)"])
        }
    }
}
