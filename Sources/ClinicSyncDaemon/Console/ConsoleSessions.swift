import ClinicSyncCore

/// Who is signed in to the console: sessions kept in memory by the daemon (a restart signs
/// everyone out), each with its own CSRF token, ending after 30 idle minutes or 12 hours.
actor ConsoleSessions {
    struct Session: Sendable {
        let account: String
        let role: ConsoleAccount.Role
        /// The account's password hash when the session opened (salted: new at every change): a new
        /// password ends the session, even within the second.
        let credential: String
        /// Every form carries it; a POST without it is refused.
        let csrfToken: String
        let opened: ContinuousClock.Instant
        var lastSeen: ContinuousClock.Instant
    }

    static let idleLimit: Duration = .seconds(30 * 60)
    static let lifetime: Duration = .seconds(12 * 3600)

    private var sessions: [String: Session] = [:]
    private let clock = ContinuousClock()

    /// Opens a session; returns its cookie token.
    func open(account: String, role: ConsoleAccount.Role, credential: String) -> String {
        let now = clock.now
        sessions = sessions.filter { Self.isLive($0.value, at: now) }
        let token = Self.randomToken()
        sessions[token] = Session(
            account: account, role: role, credential: credential, csrfToken: Self.randomToken(), opened: now, lastSeen: now)
        return token
    }

    /// The live session a cookie names, touched unless the request is the page refreshing itself
    /// (an unattended screen must still sign out when idle); `nil` for none, an unknown or an
    /// expired one.
    func session(_ token: String?, touch: Bool = true) -> Session? {
        guard let token, var session = sessions[token] else { return nil }
        let now = clock.now
        guard Self.isLive(session, at: now) else {
            sessions[token] = nil
            return nil
        }
        if touch {
            session.lastSeen = now
            sessions[token] = session
        }
        return session
    }

    func close(_ token: String) {
        sessions[token] = nil
    }

    private static func isLive(_ session: Session, at now: ContinuousClock.Instant) -> Bool {
        now - session.lastSeen < idleLimit && now - session.opened < lifetime
    }

    /// 256 random bits as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return lowercaseHex((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        let (left, right) = (Array(lhs.utf8), Array(rhs.utf8))
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
