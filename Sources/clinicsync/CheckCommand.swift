import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync check`
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run SQLite's integrity check and verify the change log against the tables.",
        discussion: """
            Exits 0 when all is consistent, 65 when problems are found (listed, by count). Reads only: \
            the database (or the --file, e.g. a backup) is left byte-identical.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Check this database file (e.g. a backup) instead of the configured one.", valueName: "path"))
    var file: String?

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let result: CheckResult
            if let file {
                result = try SiteApplication.check(databaseFile: file)
            } else {
                result = try options.application().check()
            }
            if options.json {
                Output.json(result)
            } else {
                print(result.ok ? "ok: \(result.database) is consistent" : "problems in \(result.database):")
                for problem in result.problems { print("  - \(problem)") }
                print("digest: \(result.digest)")
            }
            if !result.ok { throw ApplicationError(.invalidData, "\(result.problems.count) consistency problem(s)") }
        }
    }
}
