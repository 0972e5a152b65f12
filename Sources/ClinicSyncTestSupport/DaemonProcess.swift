import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `clinicsync serve` process, its output appended to a log file: stopped with SIGTERM (as
/// systemd stops it), reloaded with SIGHUP (`systemctl reload`), killed with SIGKILL (a power
/// cut). Waiting for its exit comes blocking, for the fault harness's threads, and `async`.
package final class DaemonProcess: Sendable {
    package let logPath: String
    private let process = Mutex<Process?>(nil)

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
        process.withLock { $0 = started }
    }

    package var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// SIGTERM and wait for the exit; its status. A daemon that already exited by itself is left
    /// for ``reapCrash()`` and its status returned; 0 when none was started.
    @discardableResult
    package func stop() -> Int32 {
        guard let running = signal(SIGTERM) else { return endedStatus }
        running.waitUntilExit()
        return running.terminationStatus
    }

    @discardableResult
    package func stop() async -> Int32 {
        guard let running = signal(SIGTERM) else { return endedStatus }
        return await running.exited()
    }

    /// SIGKILL and wait for the exit (a daemon that already exited by itself is left for ``reapCrash()``).
    package func kill() {
        signal(SIGKILL)?.waitUntilExit()
    }

    package func kill() async {
        guard let running = signal(SIGKILL) else { return }
        await running.exited()
    }

    /// SIGHUP: the daemon reads its configuration again.
    package func reload() {
        process.withLock { current in
            if let current, current.isRunning { _ = Glibc.kill(current.processIdentifier, SIGHUP) }
        }
    }

    /// How the daemon ended if it exited without being stopped or killed (a crash), described; it
    /// then counts as not started.
    package func reapCrash() -> String? {
        process.withLock { current in
            guard let ended = current, !ended.isRunning else { return nil }
            current = nil
            return "\(ended.terminationReason == .uncaughtSignal ? "signal" : "status") \(ended.terminationStatus)"
        }
    }

    package func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` to the daemon and forgets it (it is being stopped); nil when none runs. One
    /// that exited by itself stays, so that ``reapCrash()`` still reports the crash.
    private func signal(_ signal: Int32) -> Process? {
        process.withLock { current in
            guard let running = current, running.isRunning else { return nil }
            _ = Glibc.kill(running.processIdentifier, signal)
            current = nil
            return running
        }
    }

    /// How a daemon that exited by itself ended; 0 when none was started.
    private var endedStatus: Int32 { process.withLock { $0?.terminationStatus } ?? 0 }

}
