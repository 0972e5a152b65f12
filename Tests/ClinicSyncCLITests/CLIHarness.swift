import ClinicSyncTestSupport
import Foundation
import Testing

/// Runs the built `clinicsync` binary, found beside the test bundle in the products folder.
struct CLIHarness {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    let directory: String
    let configPath: String
    let databasePath: String

    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["CLINICSYNC_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        // On Linux the test runner is `<products>/clinicsyncPackageTests.xctest`.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("clinicsync")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("clinicsync")
    }

    /// A fresh directory with a configuration for site `site` and its database inside it.
    init(site: String = "downtown", extraConfig: String = "") throws {
        directory = NSTemporaryDirectory() + "clinicsync-cli-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configPath = directory + "/clinicsync.yaml"
        databasePath = directory + "/data/\(site).sqlite"
        try writeConfig("site:\n  id: \(site)\n  database: data/\(site).sqlite\n" + extraConfig)
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Runs `clinicsync ARGS --config <this config>`; with `timeout`, kills it (SIGKILL) if it has
    /// not finished by then (for commands that should exit at once but might serve forever).
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], addConfig: Bool = true, timeout: Double? = nil) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLINICSYNC_CONFIG")
        env.merge(environment) { $1 }
        let result = try ChildProcess.run(
            Self.binary.path, arguments + (addConfig ? ["--config", configPath] : []), environment: env, timeout: timeout)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "clinicsync \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the `sqlite3` shell on the site's database, as other clinic software would write to it:
    /// with a busy timeout, as the README asks of such software (a daemon may be writing).
    @discardableResult
    func sqlite3(_ sql: String) throws -> String {
        let result = try ChildProcess.run("/usr/bin/sqlite3", ["-bail", "-cmd", ".timeout 5000", databasePath], input: Data((sql + "\n").utf8))
        #expect(result.status == 0, "sqlite3 failed on: \(sql): \(result.stderr)")
        return result.stdout
    }

    /// The database's logical content (schema and rows), independent of page layout and WAL state.
    func sqliteDump() throws -> String { try sqlite3(".dump") }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
