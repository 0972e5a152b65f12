/// Why the daemon or a sync round could not run.
enum DaemonError: Error, Equatable, Sendable, CustomStringConvertible {
    case lockUnavailable(path: String, reason: String)
    case alreadyRunning(path: String, holder: String?)
    case restoreWhileRunning(holder: String?)
    case clockRecoveryWhileRunning(holder: String?)
    case keyRotationWhileRunning(holder: String?)
    case syncBusy(timeout: String)
    case unknownPeer(name: String, known: [String])
    case noPeers
    case cannotListen(address: String, reason: String)
    case control(reason: String)
    case identity(reason: String)

    var description: String {
        switch self {
        case let .lockUnavailable(path, reason):
            return "cannot open lock file \(path): \(reason)"
        case let .alreadyRunning(path, holder):
            return "another clinicsync daemon is already serving this database (\(holder.map { "pid \($0)" } ?? "lock \(path)"))"
        case let .restoreWhileRunning(holder):
            return
                "the daemon is serving this database\(holder.map { " (pid \($0))" } ?? ""); stop it first (systemctl stop clinicsync), then restore"
        case let .clockRecoveryWhileRunning(holder):
            return "the daemon is serving this database\(holder.map { " (pid \($0))" } ?? ""); stop it first (systemctl stop clinicsync), "
                + "then recover the clock: a peer must not receive a change while its timestamp is being replaced"
        case let .keyRotationWhileRunning(holder):
            return "the daemon is serving this database\(holder.map { " (pid \($0))" } ?? ""); stop it first (systemctl stop clinicsync), "
                + "then rotate: every change signed with the old key must be sealed before the new key takes over"
        case let .syncBusy(timeout):
            return "another sync of this database did not finish within \(timeout); try again later"
        case let .unknownPeer(name, known):
            return "no peer named '\(name)' in the configuration (peers: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .noPeers:
            return "the configuration lists no peers; add entries under 'peers' to sync"
        case let .cannotListen(address, reason):
            return "cannot listen on \(address): \(reason)"
        case let .control(reason):
            return "control socket: \(reason)"
        case let .identity(reason):
            return reason
        }
    }
}
