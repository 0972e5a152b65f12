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
        case .invalid, .invalidChange, .alreadyExists, .rowDeleted, .stillReferenced:
            self.init(message: error.description, status: ExitStatus.invalidData)
        case .notFound:
            self.init(message: error.description, status: ExitStatus.notFound)
        case .notInitialized, .siteMismatch:
            self.init(message: error.description, status: ExitStatus.configuration)
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
    } catch let failure as CommandFailure {
        FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
        throw ExitCode(failure.status)
    } catch let error as StoreError {
        let failure = CommandFailure(error)
        FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
        throw ExitCode(failure.status)
    }
}
