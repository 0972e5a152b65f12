import ArgumentParser
import ClinicSyncDaemon
import Foundation

/// Named exit statuses (from sysexits.h), shared with the systemd unit.
enum ExitStatus {
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let invalidData: Int32 = 65
    static let notFound: Int32 = 66
    static let peersFailed: Int32 = 69
    /// The clock runs ahead (EX_TEMPFAIL): recover it, or wait.
    static let clockAhead: Int32 = 75
    static let configuration: Int32 = 78

    /// The status a failure of `kind` exits with.
    static func of(_ kind: ApplicationError.Kind) -> Int32 {
        switch kind {
        case .failure: return failure
        case .usage: return usage
        case .invalidData: return invalidData
        case .notFound: return notFound
        case .peersFailed: return peersFailed
        case .clockAhead: return clockAhead
        case .configuration: return configuration
        }
    }
}

/// Runs a command body; an application error is printed to stderr, and the command exits with
/// the status of its kind.
func reportingFailures(_ body: () throws(ApplicationError) -> Void) throws {
    do { try body() } catch { throw exit(for: error) }
}

/// The async form of ``reportingFailures(_:)``.
func reportingFailures(_ body: () async throws(ApplicationError) -> Void) async throws {
    do { try await body() } catch { throw exit(for: error) }
}

private func exit(for error: ApplicationError) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
    return ExitCode(ExitStatus.of(error.kind))
}
