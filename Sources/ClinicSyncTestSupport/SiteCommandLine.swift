import Foundation

/// Runs `clinicsync` against one site's configuration, and the `sqlite3` shell on its database, as
/// an operator and the clinic's other software would. Each call comes in two forms: a blocking one
/// for the fault harness's own threads, and an `async` one that waits on a thread of its own, so a
/// test never holds a thread of Swift's cooperative pool while a child process runs.
package struct SiteCommandLine: Sendable {
    /// The `clinicsync` executable.
    package let binary: String
    package let configurationPath: String
    package let databasePath: String
    /// The whole environment each command runs in (`CLINICSYNC_CONFIG` removed: `--config` decides).
    package var environment: [String: String]

    package init(binary: String, configurationPath: String, databasePath: String, environment: [String: String] = [:]) {
        self.binary = binary
        self.configurationPath = configurationPath
        self.databasePath = databasePath
        var inherited = ProcessInfo.processInfo.environment
        inherited.removeValue(forKey: "CLINICSYNC_CONFIG")
        self.environment = inherited.merging(environment) { $1 }
    }

    /// Runs `clinicsync ARGUMENTS --config <this site>`; `extra` is added to the environment,
    /// `input` written to its standard input; with `timeout`, the command is killed (SIGKILL) if it
    /// has not finished by then.
    package func run(
        _ arguments: [String], environment extra: [String: String] = [:], addConfiguration: Bool = true, input: String? = nil,
        timeout: Double? = nil
    ) throws -> ChildProcess.Result {
        try ChildProcess.run(
            binary, arguments + (addConfiguration ? ["--config", configurationPath] : []), environment: environment.merging(extra) { $1 },
            input: input.map { Data($0.utf8) }, timeout: timeout)
    }

    package func run(
        _ arguments: [String], environment extra: [String: String] = [:], addConfiguration: Bool = true, input: String? = nil,
        timeout: Double? = nil
    ) async throws -> ChildProcess.Result {
        try await ChildProcess.onOwnThread {
            try run(arguments, environment: extra, addConfiguration: addConfiguration, input: input, timeout: timeout)
        }
    }

    /// Runs a `--json` command that must succeed and decodes its output as `type` (one of the
    /// application layer's output models): a failure, or output of another shape, throws.
    package func decode<Output: Decodable>(_ type: Output.Type, _ arguments: [String]) throws -> Output {
        try Self.decode(type, from: try run(arguments), arguments: arguments)
    }

    package func decode<Output: Decodable>(_ type: Output.Type, _ arguments: [String]) async throws -> Output {
        try Self.decode(type, from: try await run(arguments), arguments: arguments)
    }

    /// Runs a `--json` command whose report is printed whether it succeeds or not (`sync now`): the
    /// result, and the report decoded as `type` when the command printed one.
    package func runDecoding<Output: Decodable>(_ type: Output.Type, _ arguments: [String]) throws -> (result: ChildProcess.Result, output: Output?) {
        let result = try run(arguments)
        return (result, try? JSONDecoder().decode(type, from: Data(result.stdout.utf8)))
    }

    package func runDecoding<Output: Decodable>(
        _ type: Output.Type, _ arguments: [String]
    ) async throws -> (result: ChildProcess.Result, output: Output?) {
        let result = try await run(arguments)
        return (result, try? JSONDecoder().decode(type, from: Data(result.stdout.utf8)))
    }

    /// Runs SQL in the `sqlite3` shell on the site's database, with a busy timeout, as the README
    /// asks of other software (a daemon may be writing).
    package func sqlite3(_ sql: String) throws -> ChildProcess.Result {
        try ChildProcess.run(
            "/usr/bin/sqlite3", ["-bail", "-cmd", ".timeout 5000", databasePath], environment: environment, input: Data((sql + "\n").utf8))
    }

    package func sqlite3(_ sql: String) async throws -> ChildProcess.Result {
        try await ChildProcess.onOwnThread { try sqlite3(sql) }
    }

    /// `result`'s output decoded as `type`; a failed command, or output of another shape, throws.
    package static func decode<Output: Decodable>(_ type: Output.Type, from result: ChildProcess.Result, arguments: [String]) throws -> Output {
        guard result.status == 0 else { throw CommandFailure(arguments: arguments, result: result, reason: "exited with \(result.status)") }
        do {
            return try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
        } catch {
            throw CommandFailure(arguments: arguments, result: result, reason: "printed no \(type): \(error)")
        }
    }
}

/// A command that failed, or printed something else than the output model it promises.
package struct CommandFailure: Error, CustomStringConvertible {
    package let arguments: [String]
    package let result: ChildProcess.Result
    package let reason: String

    package var description: String {
        "clinicsync \(arguments.joined(separator: " ")) \(reason); stderr: \(result.stderr); stdout: \(result.stdout.prefix(2000))"
    }
}
