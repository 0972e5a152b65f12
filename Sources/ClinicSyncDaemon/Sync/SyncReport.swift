import ClinicSyncSync

/// What one sync round did with each peer, as `sync now` prints it.
public struct SyncReport: Codable, Sendable, Equatable {
    /// One peer's part of the round.
    public struct Peer: Codable, Sendable, Equatable {
        public var peer: String
        public var url: String
        public var ok: Bool
        public var sent: Int
        public var received: Int
        public var conflicts: Int
        public var bytes_in: Int
        public var bytes_out: Int
        public var duration_ms: Int
        public var error: String?
        public var clock_problem: Bool
    }

    public var peers: [Peer]

    /// Whether every peer succeeded.
    public var succeeded: Bool { peers.allSatisfy(\.ok) }
}

/// A progress event of a running round: changes moved so far with one peer.
public struct SyncProgress: Codable, Sendable, Equatable {
    public var peer: String
    public var moved: Int
}

extension SyncReport.Peer {
    init(empty peer: PeerEndpoint) {
        self.init(
            peer: peer.name, url: peer.url, ok: false, sent: 0, received: 0, conflicts: 0, bytes_in: 0, bytes_out: 0,
            duration_ms: 0, error: nil, clock_problem: false)
    }

    /// Adds one pass's outcome; the latest pass decides success and error.
    mutating func absorb(_ pass: SyncReport.Peer) {
        ok = pass.ok
        error = pass.error
        clock_problem = pass.clock_problem
        sent += pass.sent
        received += pass.received
        conflicts += pass.conflicts
        bytes_in += pass.bytes_in
        bytes_out += pass.bytes_out
        duration_ms += pass.duration_ms
    }
}
