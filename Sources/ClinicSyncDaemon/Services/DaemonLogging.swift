import Foundation
import Logging

/// Logging to standard error, one line per event (journald's format under systemd). Messages carry ids, counts and durations only,
/// never patient data.
enum DaemonLogging {
    /// Bootstraps swift-log once per process and returns the daemon's logger.
    static func logger(level: String) -> Logger {
        bootstrap
        var logger = Logger(label: "clinicsync")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }

    private static let bootstrap: Void = {
        // systemd sets JOURNAL_STREAM when stderr is connected to the journal.
        if ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil {
            LoggingSystem.bootstrap { label in JournalLogHandler(label: label) }
        } else {
            LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        }
    }()
}
