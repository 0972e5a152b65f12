import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `clinicsync serve` process, its output appended to a log file: stopped with SIGTERM (as
/// systemd stops it), reloaded with SIGHUP (`systemctl reload`), killed with SIGKILL (a power
/// cut). Waiting for its exit comes blocking, for the fault harness's threads, and `async`.
///
/// No crash goes unnoticed: a daemon found exited by itself (when it is started again, stopped or
/// killed) and a daemon that does not exit cleanly on SIGTERM are kept for ``reapCrash()``.
package final class DaemonProcess: Sendable {
    package let logPath: String
    private let state = Mutex<(process: Process?, crashes: [String])>((nil, []))

    package init(logPath: String) {
        self.logPath = logPath
    }

    /// Starts `binary serve --config configurationPath ARGUMENTS` in `environment` (the whole
    /// environment); returns at once: the caller waits for readiness in the way it can observe.
    package func start(binary: String, configurationPath: String, arguments: [String] = [], environment: [String: String]) throws {
        let started = Process()
        started.executableURL = URL(fileURLWithPath: binary)
        started.arguments = ["serve", "--config", configurationPath] + arguments
        started.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        started.standardOutput = log
        started.standardError = log
        try started.run()
        state.withLock { state in
            if let previous = state.process, !previous.isRunning { state.crashes.append(Self.describe(previous)) }
            state.process = started
        }
    }

    package var isRunning: Bool { state.withLock { $0.process?.isRunning ?? false } }

    /// SIGTERM and wait for the exit; its status (a daemon that had already exited: how it ended;
    /// 0 when none was started). Anything but a clean exit is kept for ``reapCrash()``.
    @discardableResult
    package func stop() -> Int32 {
        switch signal(SIGTERM) {
        case .none: return 0
        case let .ended(status): return status
        case let .signalled(running):
            running.waitUntilExit()
            return recordUnclean(running)
        }
    }

    @discardableResult
    package func stop() async -> Int32 {
        switch signal(SIGTERM) {
        case .none: return 0
        case let .ended(status): return status
        case let .signalled(running):
            await running.exited()
            return recordUnclean(running)
        }
    }

    /// SIGKILL and wait for the exit.
    package func kill() {
        if case let .signalled(running) = signal(SIGKILL) { running.waitUntilExit() }
    }

    package func kill() async {
        if case let .signalled(running) = signal(SIGKILL) { await running.exited() }
    }

    /// SIGHUP: the daemon reads its configuration again.
    package func reload() {
        state.withLock { state in
            if let current = state.process, current.isRunning { _ = Glibc.kill(current.processIdentifier, SIGHUP) }
        }
    }

    /// How the daemon ended, each time it exited by itself (a crash) or not cleanly on SIGTERM since
    /// the last call, described; nil when it did not. A crashed daemon counts as not started.
    package func reapCrash() -> String? {
        state.withLock { state in
            if let ended = state.process, !ended.isRunning {
                state.crashes.append(Self.describe(ended))
                state.process = nil
            }
            defer { state.crashes = [] }
            return state.crashes.isEmpty ? nil : state.crashes.joined(separator: "; ")
        }
    }

    package func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    private enum Signalled {
        /// None was started (or it was stopped already).
        case none
        /// It had exited by itself, with this status (kept as a crash).
        case ended(Int32)
        /// It ran and was sent the signal.
        case signalled(Process)
    }

    /// Sends `signal` to the daemon and forgets it, deciding under one lock whether it ran.
    private func signal(_ signal: Int32) -> Signalled {
        state.withLock { state in
            guard let current = state.process else { return .none }
            state.process = nil
            guard current.isRunning else {
                state.crashes.append(Self.describe(current))
                return .ended(current.terminationStatus)
            }
            _ = Glibc.kill(current.processIdentifier, signal)
            return .signalled(current)
        }
    }

    /// A daemon that did not exit 0 on SIGTERM is kept for ``reapCrash()``; returns its status.
    private func recordUnclean(_ stopped: Process) -> Int32 {
        let status = stopped.terminationStatus
        if stopped.terminationReason != .exit || status != 0 {
            state.withLock { $0.crashes.append(Self.describe(stopped) + " when stopped") }
        }
        return status
    }

    private static func describe(_ ended: Process) -> String {
        "\(ended.terminationReason == .uncaughtSignal ? "signal" : "status") \(ended.terminationStatus)"
    }
}
