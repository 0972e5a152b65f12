package import ClinicSyncCore
import GRDB

/// The sync history of one configured peer, as `status` shows it.
package struct PeerStateRecord: Hashable, Sendable {
    package let peer: String
    package let url: String
    package let lastAttempt: String?
    package let lastSuccess: String?
    package let lastError: String?
    /// Whether the last failure was the peer's clock running beyond the drift bound.
    package let clockProblem: Bool
    package let changesSent: Int
    package let changesReceived: Int
    /// What the peer last acknowledged holding.
    package let peerVector: VersionVector?
    /// The site id the peer reported.
    package let peerSite: String?
}

/// The outcome of one sync attempt with a peer, to be recorded.
package struct PeerSyncResult: Sendable {
    package let peer: String
    package let url: String
    package let succeeded: Bool
    package let error: String?
    package let clockProblem: Bool
    package let sent: Int
    package let received: Int
    package let peerVector: VersionVector?
    package let peerSite: SiteID?

    package init(
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
    package func recordPeerSync(_ result: PeerSyncResult) throws(StoreError) {
        let now = UTCDateTime(secondsSinceEpoch: Int(wallClock.nowMilliseconds() / 1000)).description
        try StoreError.mapping(path: path) {
            try timedWrite { db in
                try db.execute(
                    sql: """
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
                        """,
                    arguments: [
                        "peer": result.peer, "url": result.url, "now": now,
                        "success": result.succeeded ? now : nil, "error": result.error,
                        "clock": result.clockProblem, "sent": result.sent, "received": result.received,
                        "vector": result.peerVector?.text, "site": result.peerSite?.rawValue,
                    ])
            }
        }
    }

    /// Every peer's recorded state, by name.
    package func peerStates() throws(StoreError) -> [PeerStateRecord] {
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
