import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// The web console's accounts: local to a site, passwords kept as bcrypt hashes only.
@Suite("clinicsync user, end to end")
struct UserCommandTests {
    static let password = "correct horse battery staple"

    @Test("add, list, passwd and remove; the database holds a bcrypt hash, never the password, and the change log nothing")
    func lifecycle() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        let changes = try await cli.succeed(["changes", "--json"])
        let added = try await cli.run(["user", "add", "kim", "--role", "admin", "--password-stdin", "--json"], input: Self.password + "\n")
        #expect(added.status == 0, "\(added.stderr)")
        let account = try JSONDecoder().decode(AccountView.self, from: Data(added.stdout.utf8))
        #expect(account.name == "kim" && account.role == "admin" && account.failedLogins == 0 && account.lockedUntil == nil)
        #expect(try await cli.run(["user", "add", "desk", "--role", "frontdesk", "--password-stdin"], input: "front desk passphrase").status == 0)
        let listed = try await cli.succeed(["user", "list", "--json"])
        #expect(try CLIJSONContractTests.keys(listed) == ["created_at", "failed_logins", "name", "password_changed_at", "role"])
        #expect(try JSONDecoder().decode([AccountView].self, from: Data(listed.utf8)).map(\.name) == ["desk", "kim"])
        #expect(!listed.contains("$2b$"), "hashes are never printed")

        let hash = try await cli.sqlite3("SELECT password_hash FROM console_accounts WHERE name = 'kim';")
        #expect(hash.hasPrefix("$2b$12$") && hash.count == 61, "\(hash)")
        let dump = try await cli.sqlite3(".dump")
        #expect(!dump.contains(Self.password) && !dump.contains("front desk passphrase"))
        #expect(try await cli.succeed(["changes", "--json"]) == changes, "accounts are never in the change log")

        // A new password replaces the hash and lifts a lockout.
        try await cli.sqlite3("UPDATE console_accounts SET failed_logins = 5, locked_until = '2099-01-01T00:00:00Z' WHERE name = 'kim';")
        #expect(try await cli.run(["user", "passwd", "kim", "--password-stdin"], input: "a brand new passphrase\n").status == 0)
        let after = try await cli.decode([AccountView].self, ["user", "list", "--json"]).first { $0.name == "kim" }
        #expect(after?.failedLogins == 0 && after?.lockedUntil == nil)
        #expect(try await cli.sqlite3("SELECT password_hash FROM console_accounts WHERE name = 'kim';") != hash)

        try await cli.succeed(["user", "remove", "desk"])
        #expect(try await cli.decode([AccountView].self, ["user", "list", "--json"]).map(\.name) == ["kim"])
        let table = try await cli.succeed(["user", "list"]).split(separator: "\n")
        #expect(table.count == 2 && table[1].hasPrefix("kim ") && table[1].contains(" admin "), "\(table)")
    }

    @Test("bad names, roles and passwords, duplicates, unknown accounts and a missing password change nothing")
    func refusals() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try await cli.succeed(["init"])
        #expect(try await cli.run(["user", "add", "kim", "--role", "admin", "--password-stdin"], input: Self.password).status == 0)
        let before = try await cli.sqlite3("SELECT * FROM console_accounts;")
        let cases: [([String], String?, Int32, String)] = [
            (["user", "add", "Kim", "--role", "admin", "--password-stdin"], Self.password, 64, "name"),
            (["user", "add", "-kim", "--role", "admin", "--password-stdin"], Self.password, 64, "name"),
            (["user", "add", "ann", "--role", "boss", "--password-stdin"], Self.password, 64, "--role"),
            (["user", "add", "ann", "--role", "admin", "--password-stdin"], "too short", 65, "12 to 72 bytes"),
            (["user", "add", "ann", "--role", "admin", "--password-stdin"], String(repeating: "é", count: 37), 65, "12 to 72 bytes"),
            (["user", "add", "annabel.lee", "--role", "admin", "--password-stdin"], "AnnaBel.Lee", 65, "not the account's name"),
            (["user", "add", "ann", "--role", "admin", "--password-stdin"], "              ", 65, "not only spaces"),
            (["user", "add", "kim", "--role", "frontdesk", "--password-stdin"], Self.password, 65, "exists already"),
            (["user", "add", "ann", "--role", "admin", "--password-stdin"], "", 64, "standard input is empty"),
            (["user", "add", "ann", "--role", "admin"], nil, 64, "--password-stdin"),
            (["user", "passwd", "nobody", "--password-stdin"], Self.password, 66, "no console account is named nobody"),
            (["user", "passwd", "kim", "--password-stdin"], "short", 65, "12 to 72 bytes"),
            (["user", "remove", "nobody"], nil, 66, "no console account is named nobody"),
        ]
        for (arguments, input, status, mention) in cases {
            // A timeout: run from a terminal, a command without --password-stdin would wait for typing.
            let result = try await cli.run(arguments, input: input, timeout: 60)
            #expect(result.status == status && result.stderr.contains(mention), "\(arguments): \(result.status) \(result.stderr)")
            #expect(!result.stderr.contains(Self.password), "a password is never echoed")
        }
        #expect(try await cli.sqlite3("SELECT * FROM console_accounts;") == before)
    }
}
