import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon
import ClinicSyncStore
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
}

/// An error a command reports on stderr before exiting with the matching status.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let status: Int32

    init(message: String, status: Int32) {
        self.message = message
        self.status = status
    }

    init(_ error: ConfigError) {
        self.init(message: error.description, status: ExitStatus.configuration)
    }

    init(_ error: StoreError) {
        switch error {
        case .invalid, .storedRowUnreadable, .alreadyExists, .rowDeleted, .stillReferenced, .removedRowIncomplete, .alreadyRestored:
            self.init(message: error.description, status: ExitStatus.invalidData)
        case .notFound, .notDeleted:
            self.init(message: error.description, status: ExitStatus.notFound)
        case .clockAhead, .clockRecoveryInterleaved, .clockRecoveryHeldElsewhere, .clockRecoveryIneffective, .clockRecoveryDuringRestore,
             .backupHoldsFastChanges:
            self.init(message: error.description, status: ExitStatus.clockAhead)
        case .notInitialized, .siteMismatch, .backupHoldsUnstampedWrites:
            self.init(message: error.description, status: ExitStatus.configuration)
        default:
            self.init(message: error.description, status: ExitStatus.failure)
        }
    }

    init(_ error: DaemonError) {
        switch error {
        case .unknownPeer, .noPeers:
            self.init(message: error.description, status: ExitStatus.usage)
        default:
            self.init(message: error.description, status: ExitStatus.failure)
        }
    }

    var description: String { message }
}

/// Runs a command body, printing a failure to stderr and exiting with its status.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw exit(for: error)
    }
}

/// The async form of ``reportingFailures(_:)``.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw exit(for: error)
    }
}

private func exit(for error: any Error) -> any Error {
    let failure: CommandFailure
    switch error {
    case let known as CommandFailure: failure = known
    case let known as StoreError: failure = CommandFailure(known)
    case let known as ConfigError: failure = CommandFailure(known)
    case let known as DaemonError: failure = CommandFailure(known)
    default: return error
    }
    printError(failure.message)
    return ExitCode(failure.status)
}

/// Writes `error: MESSAGE` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}
