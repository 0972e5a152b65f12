/// Why a sync with a peer failed. Messages name the peer and what to do; never patient data.
package enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer: connection refused, timed out, or cut.
    case unreachable(peer: String, reason: String)
    /// The peer answered with a refusal (4xx/5xx) and a code such as `schema_mismatch`.
    case refused(peer: String, status: Int, code: String, message: String)
    /// The peer answered something that is not the protocol.
    case malformedResponse(peer: String, reason: String)
    /// The peer says it is another site than the configuration names.
    case wrongSite(peer: String, reported: String)
    /// The peer presented a certificate whose fingerprint is not the pinned one.
    case wrongFingerprint(peer: String, expected: String, presented: String)
    /// This site refused a batch the peer sent (a change breaking a domain rule).
    case rejectedIncoming(peer: String, reason: String)
    /// The peer is a second database under a site id this site knows from another database.
    case identityConflict(peer: String, reason: String)

    package var description: String {
        switch self {
        case let .unreachable(peer, reason):
            return "peer \(peer) is unreachable: \(reason)"
        case let .refused(peer, status, code, message):
            return "peer \(peer) refused the request (HTTP \(status), \(code)): \(message)"
        case let .malformedResponse(peer, reason):
            return "peer \(peer) sent a malformed answer: \(reason)"
        case let .wrongSite(peer, reported):
            return "the server configured as peer '\(peer)' says it is site '\(reported)'; fix the peer's url or name"
        case let .wrongFingerprint(peer, expected, presented):
            return
                "peer \(peer) presented certificate \(presented) but the configuration pins \(expected); if the peer rotated its key, update "
                + "its fingerprint"
        case let .identityConflict(peer, reason):
            return "peer \(peer) refused (identity_conflict): \(reason)"
        case let .rejectedIncoming(peer, reason):
            return "changes from peer \(peer) were refused: \(reason)"
        }
    }
}
