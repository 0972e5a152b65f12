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
