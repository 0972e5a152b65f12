import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

/// `clinicsync user ...`: the web console's accounts, local to this site.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "The web console's accounts at this site (never synced).",
        subcommands: [UserAdd.self, UserList.self, UserRemove.self, UserPasswd.self])
}

extension ConsoleAccount.Role: ExpressibleByArgument {}

/// `--password-stdin`, or a prompt at the terminal.
struct PasswordOptions: ParsableArguments {
    @Flag(
        name: .customLong("password-stdin"),
        help: "Read the password from standard input (one line) instead of asking at the terminal; for scripts.")
    var fromStandardInput = false

    /// The password: one line of standard input, or typed twice at the terminal without echo.
    func read() throws(ApplicationError) -> String {
        if fromStandardInput {
            guard let line = Swift.readLine(strippingNewline: true) else {
                throw ApplicationError(.usage, "--password-stdin: standard input is empty; give the password as its first line")
            }
            return line
        }
        let first = try TerminalPrompt.secret("Password: ")
        guard try TerminalPrompt.secret("Password again: ") == first else {
            throw ApplicationError(.usage, "the two passwords differ; nothing was changed")
        }
        return first
    }
}

/// `clinicsync user add NAME --role admin|frontdesk`
struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a console account.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The account's name: \(ConsoleAccount.nameForm).") var name: String
    @Option(help: "admin (everything) or frontdesk (patients, alerts, coverage, the day view).") var role: ConsoleAccount.Role
    @OptionGroup var password: PasswordOptions

    /// The name is checked before the password is asked for.
    func validate() throws {
        do { _ = try ConsoleAccount(name: name, role: role) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let application = try options.application()
            let account = try application.addAccount(name: name, role: role, password: password.read())
            if options.json { return Output.json(account) }
            print("Added \(account.role) account \(account.name).")
        }
    }
}

/// `clinicsync user list`
struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the console accounts.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let accounts = try options.application().accounts()
            if options.json { return Output.json(accounts) }
            if accounts.isEmpty { return print("No console accounts; `clinicsync user add NAME --role admin` adds one.") }
            Output.table(
                ["NAME", "ROLE", "CREATED_AT", "PASSWORD_CHANGED_AT", "FAILED_LOGINS", "LOCKED_UNTIL"],
                accounts.map { [$0.name, $0.role, $0.createdAt, $0.passwordChangedAt, String($0.failedLogins), $0.lockedUntil ?? "-"] })
        }
    }
}

/// `clinicsync user remove NAME`
struct UserRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a console account.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The account's name.") var name: String

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            try options.application().removeAccount(name: name)
            if options.json { return Output.json(["removed": name]) }
            print("Removed account \(name).")
        }
    }
}

/// `clinicsync user passwd NAME`
struct UserPasswd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Set a console account's password (and lift a lockout after failed sign-ins).")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The account's name.") var name: String
    @OptionGroup var password: PasswordOptions

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let application = try options.application()
            try application.changePassword(name: name, password: password.read())
            if options.json { return Output.json(["changed": name]) }
            print("Changed the password of \(name).")
        }
    }
}
