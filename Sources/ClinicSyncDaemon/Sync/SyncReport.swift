import ClinicSyncCore
import ClinicSyncSync

/// What one sync round did with each peer, as `sync now` prints it.
package struct SyncReport: Codable, Sendable, Equatable {
    /// One peer's part of the round.
    package struct Peer: Codable, Sendable, Equatable {
        package var peer: String
        package var url: String
        package var ok: Bool
        package var sent: Int
        package var received: Int
        package var conflicts: Int
        package var bytesIn: Int
        package var bytesOut: Int
        package var durationMilliseconds: Int
        package var error: String?
        package var clockProblem: Bool
        /// Origins whose changes were held back, at this site (`where: here`, pulled from the peer)
        /// or at the peer (`where: peer`, pushed to it); absent when none.
        package var held: [Held]?

        enum CodingKeys: String, CodingKey {
            case peer, url, ok, sent, received, conflicts, error, held
            case bytesIn = "bytes_in"
            case bytesOut = "bytes_out"
            case durationMilliseconds = "duration_ms"
            case clockProblem = "clock_problem"
        }
    }

    /// An origin whose changes one side holds back (see `HeldOrigin`).
    package struct Held: Codable, Sendable, Equatable {
        package var origin: String
        package var seq: Int64
        /// `here` or `peer`.
        package var `where`: String
        package var aheadMilliseconds: UInt64?
        package var boundMilliseconds: UInt64?
        package var invalid: String?
        package var message: String

        enum CodingKeys: String, CodingKey {
            case origin, seq, `where`, invalid, message
            case aheadMilliseconds = "ahead_ms"
            case boundMilliseconds = "bound_ms"
        }

        init(_ held: HeldOrigin, where side: String) {
            origin = held.origin.rawValue
            seq = held.sequence
            `where` = side
            message = held.description
            switch held.reason {
            case let .ahead(aheadBy, bound): (aheadMilliseconds, boundMilliseconds) = (aheadBy.value, bound.value)
            case let .invalid(rule): invalid = rule
            }
        }
    }

    package var peers: [Peer]

    /// Whether every peer succeeded.
    package var succeeded: Bool { peers.allSatisfy(\.ok) }
}

/// A progress event of a running round: changes moved so far with one peer.
package struct SyncProgress: Codable, Sendable, Equatable {
    package var peer: String
    package var moved: Int
}

extension SyncReport.Peer {
    init(empty peer: PeerEndpoint) {
        self.init(
            peer: peer.name, url: peer.url, ok: false, sent: 0, received: 0, conflicts: 0, bytesIn: 0, bytesOut: 0,
            durationMilliseconds: 0, error: nil, clockProblem: false, held: nil)
    }

    /// Adds one pass's outcome; the latest pass decides success and error.
    mutating func absorb(_ pass: SyncReport.Peer) {
        ok = pass.ok
        error = pass.error
        clockProblem = pass.clockProblem
        held = pass.held
        sent += pass.sent
        received += pass.received
        conflicts += pass.conflicts
        bytesIn += pass.bytesIn
        bytesOut += pass.bytesOut
        durationMilliseconds += pass.durationMilliseconds
    }
}
