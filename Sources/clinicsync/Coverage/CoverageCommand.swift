import ArgumentParser

/// `clinicsync coverage ...`
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Record and inspect what payers confirmed when the front desk called to verify coverage.",
        discussion: """
            For a patient and payer, the newest check (by --checked-on, then id) is the one in force; \
            older checks stay as history. Correct a mistaken entry with `update`; `delete` only an entry made in error.
            """,
        subcommands: [CoverageAdd.self, CoverageUpdate.self, CoverageDelete.self, CoverageList.self, CoverageShow.self])
}
