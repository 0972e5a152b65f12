/// What the daemon reports about itself on `GET /v1/status` of its control socket.
public struct DaemonInfo: Codable, Sendable, Equatable {
    public var pid: Int32
    public var started_at: String
    public var uptime_seconds: Int
    public var version: String
    public var listen: String
}

/// One line of the NDJSON stream `POST /v1/sync` answers with: progress events, then the report
/// (or an error, when the round could not start).
public struct ControlSyncEvent: Codable, Sendable {
    public var progress: SyncProgress?
    public var report: SyncReport?
    public var error: String?
    /// For `error`: whether the request itself was wrong (an unknown peer), as opposed to a failure.
    public var usage_error: Bool?
}

/// The version of clinicsync, reported by `--version`, `status` and the daemon.
public enum ClinicSyncVersion {
    public static let current = "0.2.0"
}
