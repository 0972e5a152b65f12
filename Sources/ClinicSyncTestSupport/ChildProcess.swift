package import Foundation

/// Runs a program to its end (`clinicsync` commands, the `sqlite3` shell), capturing its output in
/// files rather than pipes, so a large output never blocks it.
package enum ChildProcess {
    package struct Result: Sendable {
        package let status: Int32
        package let stdout: String
        package let stderr: String
    }

    /// Runs `executable` with `arguments` in `environment` (the whole environment), writing `input`
    /// to its standard input; with `timeout`, kills it (SIGKILL) if it has not finished by then.
    package static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil, timeout: Double? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let capture = NSTemporaryDirectory() + "clinicsync-capture-" + UUID().uuidString
        let (out, err) = (capture + ".out", capture + ".err")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            // Written beside the wait, so a child that stops reading cannot block the caller past
            // its timeout; a child that exits early gets EPIPE (SIGPIPE is ignored), not the caller killed.
            signal(SIGPIPE, SIG_IGN)
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        // Lossy: a byte that is not UTF-8 (a BLOB printed by sqlite3) must not turn a result into an error.
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self))
    }

    package static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil, timeout: Double? = nil
    ) async throws -> Result {
        try await onOwnThread { try run(executable, arguments, environment: environment, input: input, timeout: timeout) }
    }

    /// Runs `work` (which waits for a child process) on a thread of its own and awaits it, so the
    /// caller's thread of Swift's cooperative pool is free while the child runs.
    package static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Swift.Result { try work() }) }
        }
    }
}
