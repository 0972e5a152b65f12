package import ClinicSyncDaemon

/// The reports every harness reads, decoded as the application layer's output models.
extension SiteCommandLine {
    /// A `sync now --json` round: how it ended, and its report (printed on failure too).
    package struct SyncRound: Sendable {
        package let result: ChildProcess.Result
        package let report: SyncReport?

        package var status: Int32 { result.status }
        package var stderr: String { result.stderr }
        package var peers: [SyncReport.Peer] { report?.peers ?? [] }
    }

    package func syncNow(_ extra: [String] = []) throws -> SyncRound {
        let round = try runDecoding(SyncReport.self, ["sync", "now", "--json"] + extra)
        return SyncRound(result: round.result, report: round.output)
    }

    package func syncNow(_ extra: [String] = []) async throws -> SyncRound {
        let round = try await runDecoding(SyncReport.self, ["sync", "now", "--json"] + extra)
        return SyncRound(result: round.result, report: round.output)
    }

    /// `status --json`.
    package func status() throws -> StatusReport { try decode(StatusReport.self, ["status", "--json"]) }

    package func status() async throws -> StatusReport { try await decode(StatusReport.self, ["status", "--json"]) }

    /// The site's key fingerprint, as `identity show` prints it.
    package func fingerprint() throws -> String { try decode(IdentityView.self, ["identity", "show", "--json"]).fingerprint }

    package func fingerprint() async throws -> String { try await decode(IdentityView.self, ["identity", "show", "--json"]).fingerprint }
}
