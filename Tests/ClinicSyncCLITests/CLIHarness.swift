import ClinicSyncTestSupport
import Foundation
import Testing

/// One site's CLI in a directory of its own, for the end-to-end tests: the shared
/// ``SiteCommandLine`` with Swift Testing's expectations on top. Every command is awaited: the
/// child process is waited for on a thread of its own, never on the test's.
struct CLIHarness {
    typealias Result = ChildProcess.Result

    let directory: String
    let commands: SiteCommandLine

    var configPath: String { commands.configurationPath }
    var databasePath: String { commands.databasePath }

    static var binary: URL { BuiltProducts.clinicsync }

    /// A fresh directory with a configuration for site `site` (and `extraConfig`), its database inside it.
    init(site: String = "downtown", extraConfig: String = "") throws {
        directory = NSTemporaryDirectory() + "clinicsync-cli-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        commands = SiteCommandLine(
            binary: Self.binary.path, configurationPath: directory + "/clinicsync.yaml", databasePath: directory + "/data/\(site).sqlite")
        var file = SiteConfigurationFile(site: site, database: "data/\(site).sqlite")
        file.extra = extraConfig
        try file.write(to: configPath)
    }

    /// Writes the configuration as it is (for tests of the configuration reader itself).
    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Runs `clinicsync ARGS --config <this config>`; with `timeout`, kills it (SIGKILL) if it has
    /// not finished by then (for commands that should exit at once but might serve forever).
    @discardableResult
    func run(
        _ arguments: [String], environment: [String: String] = [:], addConfig: Bool = true, input: String? = nil, timeout: Double? = nil
    ) async throws -> Result {
        try await commands.run(arguments, environment: environment, addConfiguration: addConfig, input: input, timeout: timeout)
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments)
        #expect(result.status == 0, "clinicsync \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a `--json` command that must succeed and decodes its output as the application layer's
    /// output model `type`. The model reads the keys it writes, so a renamed key would pass
    /// unnoticed: `keys`, when given, are the ones the output must print (of its first element,
    /// for a list), as scripts read them.
    func decode<Output: Decodable>(
        _ type: Output.Type, _ arguments: [String], keys: [String]? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Output {
        let result = try await run(arguments)
        if let keys, result.status == 0 {
            #expect(
                try CLIJSONContractTests.keys(result.stdout, sourceLocation: sourceLocation) == keys.sorted(), "\(arguments)",
                sourceLocation: sourceLocation)
        }
        return try SiteCommandLine.decode(type, from: result, arguments: arguments)
    }

    /// Runs the `sqlite3` shell on the site's database, as other clinic software would write to it.
    @discardableResult
    func sqlite3(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await commands.sqlite3(sql)
        #expect(result.status == 0, "sqlite3 failed on: \(sql): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The database's logical content (schema and rows), independent of page layout and WAL state.
    func sqliteDump() async throws -> String { try await sqlite3(".dump") }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
