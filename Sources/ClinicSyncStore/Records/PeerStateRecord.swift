import ClinicSyncCore
import GRDB

/// The sync history of one configured peer, as `status` shows it.
public struct PeerStateRecord: Hashable, Sendable {
    public let peer: String
    public let url: String
    public let lastAttempt: String?
    public let lastSuccess: String?
    public let lastError: String?
    /// Whether the last failure was the peer's clock running beyond the drift bound.
    public let clockProblem: Bool
    public let changesSent: Int
    public let changesReceived: Int
    /// What the peer last acknowledged holding.
    public let peerVector: VersionVector?
    /// The site id the peer reported.
    public let peerSite: String?
}

/// The outcome of one sync attempt with a peer, to be recorded.
public struct PeerSyncResult: Sendable {
    public let peer: String
    public let url: String
    public let succeeded: Bool
    public let error: String?
    public let clockProblem: Bool
    public let sent: Int
    public let received: Int
    public let peerVector: VersionVector?
    public let peerSite: SiteID?

    public init(
        peer: String, url: String, succeeded: Bool, error: String?, clockProblem: Bool, sent: Int, received: Int,
        peerVector: VersionVector?, peerSite: SiteID?
    ) {
        self.peer = peer
        self.url = url
        self.succeeded = succeeded
        self.error = error
        self.clockProblem = clockProblem
        self.sent = sent
        self.received = received
        self.peerVector = peerVector
        self.peerSite = peerSite
    }
}

extension SiteStore {
    /// Records an attempt: counters add up, the last error is kept until a success clears it.
    public func recordPeerSync(_ result: PeerSyncResult) throws(StoreError) {
        let now = UTCDateTime(secondsSinceEpoch: Int(wallClock.nowMilliseconds() / 1000)).description
        try StoreError.mapping(path: path) {
            try timedWrite { db in
                try db.execute(sql: """
                    INSERT INTO peer_state (peer, url, last_attempt, last_success, last_error, clock_problem,
                                            changes_sent, changes_received, peer_vector, peer_site)
                    VALUES (:peer, :url, :now, :success, :error, :clock, :sent, :received, :vector, :site)
                    ON CONFLICT (peer) DO UPDATE SET
                        url = excluded.url, last_attempt = excluded.last_attempt,
                        last_success = COALESCE(excluded.last_success, peer_state.last_success),
                        last_error = excluded.last_error, clock_problem = excluded.clock_problem,
                        changes_sent = peer_state.changes_sent + excluded.changes_sent,
                        changes_received = peer_state.changes_received + excluded.changes_received,
                        peer_vector = COALESCE(excluded.peer_vector, peer_state.peer_vector),
                        peer_site = COALESCE(excluded.peer_site, peer_state.peer_site)
                    """, arguments: [
                        "peer": result.peer, "url": result.url, "now": now,
                        "success": result.succeeded ? now : nil, "error": result.error,
                        "clock": result.clockProblem, "sent": result.sent, "received": result.received,
                        "vector": result.peerVector?.text, "site": result.peerSite?.rawValue,
                    ])
            }
        }
    }

    /// Every peer's recorded state, by name.
    public func peerStates() throws(StoreError) -> [PeerStateRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM peer_state ORDER BY peer").map { row in
                PeerStateRecord(
                    peer: row["peer"], url: row["url"], lastAttempt: row["last_attempt"], lastSuccess: row["last_success"],
                    lastError: row["last_error"], clockProblem: row["clock_problem"], changesSent: row["changes_sent"],
                    changesReceived: row["changes_received"],
                    peerVector: try (row["peer_vector"] as String?).map { text throws(ValidationError) in try VersionVector(text: text) },
                    peerSite: row["peer_site"])
            }
        }
    }
}
