import ArgumentParser

/// `clinicsync sync ...`
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Exchange changes with the site's peers.", subcommands: [SyncNowCommand.self])
}
