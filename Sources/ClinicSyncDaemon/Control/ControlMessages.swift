/// What the daemon reports about itself on `GET /v1/status` of its control socket.
package struct DaemonInfo: Codable, Sendable, Equatable {
    package var pid: Int32
    package var startedAt: String
    package var uptimeSeconds: Int
    package var version: String
    package var listen: String

    enum CodingKeys: String, CodingKey {
        case pid, version, listen
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
    }
}

/// One line of the NDJSON stream `POST /v1/sync` answers with: progress events, then the report
/// (or an error, when the round could not start).
package struct ControlSyncEvent: Codable, Sendable {
    package var progress: SyncProgress?
    package var report: SyncReport?
    package var error: String?
    /// For `error`: whether the request itself was wrong (an unknown peer), as opposed to a failure.
    package var usageError: Bool?

    enum CodingKeys: String, CodingKey {
        case progress, report, error
        case usageError = "usage_error"
    }
}

/// The version of clinicsync, reported by `--version`, `status` and the daemon.
package enum ClinicSyncVersion {
    package static let current = "0.2.0"
}
