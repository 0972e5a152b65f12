import ClinicSyncCore
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
        /// Origins whose changes were held back, at this site (`where: here`, pulled from the peer)
        /// or at the peer (`where: peer`, pushed to it); absent when none.
        public var held: [Held]?
    }

    /// An origin whose changes one side holds back (see `HeldOrigin`).
    public struct Held: Codable, Sendable, Equatable {
        public var origin: String
        public var seq: Int64
        /// `here` or `peer`.
        public var `where`: String
        public var ahead_ms: UInt64?
        public var bound_ms: UInt64?
        public var invalid: String?
        public var message: String

        init(_ held: HeldOrigin, where side: String) {
            origin = held.origin.rawValue
            seq = held.sequence
            `where` = side
            message = held.description
            switch held.reason {
            case let .ahead(aheadBy, bound): (ahead_ms, bound_ms) = (aheadBy.value, bound.value)
            case let .invalid(rule): invalid = rule
            }
        }
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
            duration_ms: 0, error: nil, clock_problem: false, held: nil)
    }

    /// Adds one pass's outcome; the latest pass decides success and error.
    mutating func absorb(_ pass: SyncReport.Peer) {
        ok = pass.ok
        error = pass.error
        clock_problem = pass.clock_problem
        held = pass.held
        sent += pass.sent
        received += pass.received
        conflicts += pass.conflicts
        bytes_in += pass.bytes_in
        bytes_out += pass.bytes_out
        duration_ms += pass.duration_ms
    }
}
