import ArgumentParser
import ClinicSyncDaemon
import ClinicSyncStore

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

    struct Result: Encodable {
        let ok: Bool
        let problems: [String]
        /// SHA-256 of the synchronised state (tables, deletes, conflict journal): equal at sites that agree.
        let digest: String
    }

    func run() throws {
        try reportingFailures {
            let store: SiteStore
            if let file {
                do throws(StoreError) { store = try SiteStore.openReadOnly(path: file) } catch { throw CommandFailure(error) }
            } else {
                store = try options.openStoreReadOnly()
            }
            let problems = try store.checkAll()
            let result = Result(ok: problems.isEmpty, problems: problems, digest: try ContentDigest.of(store))
            if options.json {
                try Output.json(result)
            } else {
                print(problems.isEmpty ? "ok: \(store.path) is consistent" : "problems in \(store.path):")
                for problem in problems { print("  - \(problem)") }
                print("digest: \(result.digest)")
            }
            if !problems.isEmpty { throw CommandFailure(message: "\(problems.count) consistency problem(s)", status: ExitStatus.invalidData) }
        }
    }
}
