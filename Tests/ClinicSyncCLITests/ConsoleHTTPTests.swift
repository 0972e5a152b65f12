import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

/// The web console served by a real daemon, over HTTP on 127.0.0.1.
@Suite("The web console: sign-in, sessions, CSRF, lockout and the overview")
struct ConsoleHTTPTests {
    static let password = "correct horse battery staple"

    static func site(accounts: [(String, String)] = [("kim", "admin")]) async throws -> SiteProcess {
        let site = try await SiteProcess("downtown")
        for (name, role) in accounts {
            let added = try await site.cli.run(["user", "add", name, "--role", role, "--password-stdin"], input: Self.password)
            #expect(added.status == 0, "\(added.stderr)")
        }
        try await site.start()
        return site
    }

    @Test("every page without a session redirects to /login; signing in opens the overview; signing out ends the session")
    func signInAndOut() async throws {
        let site = try await Self.site()
        let browser = ConsoleBrowser(port: site.consolePort)
        for path in ["/", "/alerts", "/patients/p1", "/nowhere"] {
            let page = try await browser.get(path)
            #expect(page.status == 303 && page.location == "/login", "\(path): \(page.status)")
        }
        #expect(try await browser.post("/logout", [:]).status == 401, "a POST without a session is refused")
        let form = try await browser.get("/login")
        #expect(form.status == 200 && form.body.contains("<form method=\"post\" action=\"/login\">") && form.csrf?.count == 64)
        // A second fetch (a browser asking for its icon is sent here too) keeps the first form's token.
        #expect(try await browser.get("/login").csrf == form.csrf)
        #expect(try await browser.get("/favicon.ico").status == 204)
        #expect(form.setCookies.contains { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })

        let signedIn = try await browser.post("/login", ["name": "kim", "password": Self.password, "csrf": form.csrf ?? ""])
        #expect(signedIn.status == 303 && signedIn.location == "/")
        let cookie = try #require(signedIn.setCookies.first { $0.hasPrefix("clinicsync_session_\(site.consolePort)=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        let overview = try await browser.get("/")
        #expect(overview.status == 200, "\(overview.body.prefix(300))")
        for fact in ["Overview", "downtown", "Open alerts", "Unreviewed conflicts", "kim (admin)", "http-equiv=\"refresh\""] {
            #expect(overview.body.contains(fact), "\(fact)")
        }
        #expect(overview.body.contains("<script") == false)
        #expect(try await browser.get("/style.css").body.contains("@media print"))
        #expect(try await browser.get("/?auto=1").status == 200, "the page refreshing itself")
        let rebound = try await browser.get("/", headers: [("Host", "evil.example:\(site.consolePort)")])
        #expect(rebound.status == 421, "a name rebound to this address is not this console")

        // Signing out needs the page's token; afterwards the old cookie opens nothing.
        let token = try #require(overview.csrf)
        let session = try #require(browser.cookies["clinicsync_session_\(site.consolePort)"])
        #expect(try await browser.post("/logout", ["csrf": "0" + token.dropFirst()]).status == 403)
        #expect(try await browser.post("/logout", ["csrf": token]).status == 303)
        let replay = ConsoleBrowser(port: site.consolePort)
        replay.setCookie("clinicsync_session_\(site.consolePort)", session)
        let replayed = try await replay.get("/")
        #expect(replayed.status == 303 && replayed.location == "/login", "a token replayed after sign-out opens nothing")
        #expect(await site.stop() == 0)
    }

    @Test("a sign-in form without its token is refused; a wrong password or unknown name gets one answer; five failures lock the account")
    func refusalsAndLockout() async throws {
        let site = try await Self.site()
        let browser = ConsoleBrowser(port: site.consolePort)
        let form = try await browser.get("/login")
        let noToken = try await browser.post("/login", ["name": "kim", "password": Self.password])
        #expect(noToken.status == 403 && browser.cookies["clinicsync_session_\(site.consolePort)"] == nil)
        let crossSite = try await browser.post(
            "/login", ["name": "kim", "password": Self.password, "csrf": form.csrf ?? ""], headers: [("Origin", "http://evil.example")])
        #expect(crossSite.status == 403)

        let wrong = try await browser.signIn("kim", "not the password at all")
        let unknown = try await browser.signIn("nobody", Self.password)
        #expect(wrong.status == 401 && unknown.status == 401)
        let message = "Wrong name or password, or the account is locked"
        #expect(wrong.body.contains(message) && unknown.body.contains(message))
        #expect(!wrong.body.contains(Self.password) && !unknown.body.contains(Self.password))
        for _ in 0..<4 { _ = try await browser.signIn("kim", "still not the password") }
        let locked = try await site.cli.decode([AccountViewDecoding].self, ["user", "list", "--json"]).first
        #expect(locked?.failedLogins == 5 && locked?.lockedUntil != nil)
        #expect(try await browser.signIn("kim", Self.password).status == 401, "locked: even the right password is refused")
        #expect(site.log().contains("console sign-in refused") && !site.log().contains("still not the password"))

        // A lock that has expired is lifted with its count: one more mistake does not lock again.
        try await site.cli.sqlite3("UPDATE console_accounts SET locked_until = '2000-01-01T00:00:00Z' WHERE name = 'kim';")
        #expect(try await browser.signIn("kim", "one more typo here").status == 401)
        let after = try await site.cli.decode([AccountViewDecoding].self, ["user", "list", "--json"]).first
        #expect(after?.failedLogins == 1 && after?.lockedUntil == nil, "\(String(describing: after))")

        // An admin's new password lifts the lockout.
        #expect(try await site.cli.run(["user", "passwd", "kim", "--password-stdin"], input: "a fresh passphrase here").status == 0)
        #expect(try await browser.signIn("kim", "a fresh passphrase here").status == 303)
        #expect(await site.stop() == 0)
    }
}

@Suite("The web console: sessions follow their accounts")
struct ConsoleSessionTests {
    @Test("removing an account, changing its password or its role ends its sessions at their next request; a cross-origin POST is refused")
    func sessionsFollowAccounts() async throws {
        let site = try await ConsoleHTTPTests.site(accounts: [("desk", "frontdesk")])
        let desk = ConsoleBrowser(port: site.consolePort)
        #expect(try await desk.signIn("desk", ConsoleHTTPTests.password).status == 303)
        let page = try await desk.get("/alerts")
        #expect(page.status == 200)
        let crossOrigin = try await desk.post("/alerts/ack", ["id": "x", "csrf": page.csrf ?? ""], headers: [("Origin", "http://evil.example")])
        #expect(crossOrigin.status == 403)

        #expect(try await site.cli.run(["user", "passwd", "desk", "--password-stdin"], input: "another passphrase ok").status == 0)
        #expect(try await desk.get("/").location == "/login", "a new password ends the session")
        #expect(try await desk.signIn("desk", "another passphrase ok").status == 303)
        #expect(try await desk.get("/").status == 200)
        try await site.cli.succeed(["user", "remove", "desk"])
        #expect(try await desk.get("/").location == "/login", "a removed account's session ends")
        let again = try await site.cli.run(["user", "add", "desk", "--role", "admin", "--password-stdin"], input: "another passphrase ok")
        #expect(again.status == 0)
        #expect(try await desk.get("/").location == "/login", "the old session does not come back with a new account of the name")
        #expect(await site.stop() == 0)
    }
}

@Suite("The web console over HTTPS")
struct ConsoleTLSTests {
    @Test("with console.tls the console speaks only HTTPS with the site's certificate, and its cookies are Secure; off loopback it is required")
    func overHTTPS() async throws {
        let site = try await SiteProcess("downtown")
        try await site.configure(peers: [], adjust: { $0.consoleTLS = true })
        let added = try await site.cli.run(["user", "add", "kim", "--role", "admin", "--password-stdin"], input: ConsoleHTTPTests.password)
        #expect(added.status == 0)
        try await site.start()
        let secure = ConsoleBrowser(port: site.consolePort, tls: true)
        let form = try await secure.get("/login")
        #expect(form.status == 200 && form.setCookies.allSatisfy { $0.contains("Secure") } && !form.setCookies.isEmpty)
        let signedIn = try await secure.post("/login", ["name": "kim", "password": ConsoleHTTPTests.password, "csrf": form.csrf ?? ""])
        #expect(signedIn.status == 303 && signedIn.setCookies.contains { $0.hasPrefix("clinicsync_session_") && $0.contains("Secure") })
        #expect(try await secure.get("/").status == 200)
        let named = try await secure.get("/", headers: [("Host", "clinicsync-downtown:\(site.consolePort)")])
        #expect(named.status == 200, "under TLS the certificate, not the Host, tells this console apart")
        await #expect(throws: (any Error).self, "plain HTTP is not spoken") { _ = try await ConsoleBrowser(port: site.consolePort).get("/login") }
        #expect(await site.stop() == 0)

        // Off loopback: refused without TLS, accepted with it.
        let file = site.cli.configPath
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let everywhere = text.replacingOccurrences(of: "listen: 127.0.0.1:\(site.consolePort)", with: "listen: 0.0.0.0:\(site.consolePort)")
        try everywhere.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await site.cli.run(["status"]).status == 0)
        try everywhere.replacingOccurrences(of: "  tls: true\n", with: "").write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try await site.cli.run(["status"])
        #expect(refused.status == 78 && refused.stderr.contains("console.listen"), "\(refused.stderr)")
    }
}

/// `user list --json`, decoded here without the application's model.
struct AccountViewDecoding: Decodable {
    let name: String
    let failedLogins: Int
    let lockedUntil: String?

    enum CodingKeys: String, CodingKey {
        case name
        case failedLogins = "failed_logins"
        case lockedUntil = "locked_until"
    }
}

@Suite("The web console: patients and the access log")
struct ConsoleAccessLogTests {
    @Test("a patient's page shows their prescriptions, coverage, visits and alerts, and is recorded in the access log; only admins read it")
    func patientViewsAreAudited() async throws {
        let site = try await ConsoleHTTPTests.site(accounts: [("kim", "admin"), ("desk", "frontdesk")])
        let rx = try await AlertsCLITests.prescription(site.cli, visits: 1)
        for day in ["01", "02"] { #expect(try await AlertsCLITests.book(site, "2029-05-\(day)T15:00:00Z", prescription: rx).status == 0) }
        let desk = ConsoleBrowser(port: site.consolePort)
        #expect(try await desk.signIn("desk", ConsoleHTTPTests.password).status == 303)
        let search = try await desk.get("/patients?id=p1")
        #expect(search.status == 303 && search.location == "/patients/p1")
        let page = try await desk.get("/patients/p1")
        #expect(page.status == 200)
        for fact in ["Patient p1", rx, "1 visits authorized: 2 scheduled", "over_authorized", "2029-05-02T15:00:00Z", "no coverage check"] {
            #expect(page.body.contains(fact), "\(fact)")
        }
        #expect(!page.body.contains("Access log"), "the access log is not offered to the front desk")
        let nobody = try await desk.get("/patients/nobody")
        #expect(nobody.status == 404 && nobody.body.contains("Nothing at this site names patient id nobody"))
        #expect(try await desk.get("/audit").status == 403)

        let entries = try await site.cli.decode([AccessLogView].self, ["audit", "list", "--json"])
        #expect(entries.map(\.patientID) == ["p1"] && entries.first?.account == "desk" && entries.first?.page == "/patients/p1")
        #expect(try CLIJSONContractTests.keys(try await site.cli.succeed(["audit", "list", "--json"])) == ["account", "at", "page", "patient_id"])
        let admin = ConsoleBrowser(port: site.consolePort)
        #expect(try await admin.signIn("kim", ConsoleHTTPTests.password).status == 303)
        let audit = try await admin.get("/audit")
        #expect(audit.status == 200 && audit.body.contains("<td>desk</td><td>p1</td><td>/patients/p1</td>"), "\(audit.body)")
        #expect(!site.log().contains("/patients/p1"), "views are never logged to the journal")
        #expect(try await site.cli.succeed(["audit", "list", "--patient-id", "p2"]).contains("No views recorded."))
        #expect(try await site.cli.run(["audit", "list", "--limit", "0"]).status == 64)
        #expect(await site.stop() == 0)
    }
}

@Suite("The web console: alerts and conflicts")
struct ConsoleReviewTests {
    static func account(_ site: SiteProcess, _ name: String, _ role: String) async throws {
        let added = try await site.cli.run(["user", "add", name, "--role", role, "--password-stdin"], input: ConsoleHTTPTests.password)
        #expect(added.status == 0, "\(added.stderr)")
    }

    @Test("the front desk acknowledges an alert with a note; a form without its token or naming no alert changes nothing")
    func acknowledgeInConsole() async throws {
        let site = try await ConsoleHTTPTests.site(accounts: [("desk", "frontdesk")])
        let rx = try await AlertsCLITests.prescription(site.cli, visits: 1)
        for day in ["01", "02"] { #expect(try await AlertsCLITests.book(site, "2029-05-\(day)T15:00:00Z", prescription: rx).status == 0) }
        let alert = try #require(try await AlertsCLITests.alerts(site, ["--kind", "over_authorized"]).list.alerts.first)
        let desk = ConsoleBrowser(port: site.consolePort)
        #expect(try await desk.signIn("desk", ConsoleHTTPTests.password).status == 303)
        let page = try await desk.get("/alerts")
        #expect(page.status == 200 && page.body.contains("over_authorized (1)") && page.body.contains(alert.id))
        let token = try #require(page.csrf)
        let entries = try await site.changeCount()
        #expect(try await desk.post("/alerts/ack", ["id": alert.id, "note": "x"]).status == 403)
        let unknown = try await desk.post("/alerts/ack", ["id": "over_authorized-0123456789abcdef", "csrf": token])
        #expect(unknown.status == 404 && unknown.body.contains("no alert with id"), "\(unknown.body.prefix(400))")
        #expect(try await site.changeCount() == entries)

        let done = try await desk.post("/alerts/ack", ["id": alert.id, "note": "payer called, ref 77", "csrf": token])
        #expect(done.status == 303 && done.location?.hasPrefix("/alerts?done=") == true)
        #expect(try await desk.get(done.location ?? "/alerts").body.contains("Acknowledged \(alert.id)."))
        #expect(try await AlertsCLITests.alerts(site, ["--kind", "over_authorized"]).list.alerts.isEmpty)
        let acknowledged = try await site.cli.sqlite3("SELECT acknowledged_by, note FROM alert_acknowledgements;")
        #expect(acknowledged == "desk|payer called, ref 77\n")
        #expect(
            try await site.cli.decode([AccessLogView].self, ["audit", "list", "--json"]).contains { $0.page == "/alerts" && $0.patientID == "p1" })
        #expect(await site.stop() == 0)
    }

    @Test("an admin resolves a conflict in the console; the front desk may look but not resolve (403); the value reaches the other site")
    func resolveInConsole() async throws {
        let (downtown, uptown, appointment, entry) = try await ConflictReviewTests.conflictingSites()
        try await Self.account(uptown, "kim", "admin")
        try await Self.account(uptown, "desk", "frontdesk")
        let desk = ConsoleBrowser(port: uptown.consolePort)
        #expect(try await desk.signIn("desk", ConsoleHTTPTests.password).status == 303)
        let looked = try await desk.get("/conflicts")
        #expect(looked.status == 200 && looked.body.contains(entry.id) && !looked.body.contains("action=\"/conflicts/resolve\""))
        let refused = try await desk.post("/conflicts/resolve", ["id": entry.id, "decision": "value", "value": "Lee", "csrf": looked.csrf ?? ""])
        #expect(refused.status == 403)

        let admin = ConsoleBrowser(port: uptown.consolePort)
        #expect(try await admin.signIn("kim", ConsoleHTTPTests.password).status == 303)
        let page = try await admin.get("/conflicts")
        #expect(page.body.contains("Kept (won)") && page.body.contains("Times in ") && page.body.contains("action=\"/conflicts/resolve\""))
        let bad = try await admin.post("/conflicts/resolve", ["id": entry.id, "decision": "value", "value": "", "csrf": page.csrf ?? ""])
        #expect(bad.status == 400 && bad.body.contains("therapist"), "a value the row's rules refuse: \(bad.body.prefix(300))")
        let done = try await admin.post(
            "/conflicts/resolve", ["id": entry.id, "decision": "value", "value": "Lee", "note": "confirmed by phone", "csrf": page.csrf ?? ""])
        #expect(done.status == 303)
        #expect(try await uptown.syncNow().status == 0)
        for site in [downtown, uptown] {
            #expect(
                try await site.cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).therapist == "Lee", "\(site.name)")
        }
        let reviewed = try await downtown.cli.decode([ConflictView].self, ["conflicts", "--all", "--json"]).first { $0.id == entry.id }
        #expect(reviewed?.review?.decision == "value" && reviewed?.review?.reviewedBy == "kim" && reviewed?.review?.site == "uptown")
        for site in [downtown, uptown] { #expect(await site.stop() == 0) }
    }
}

@Suite("The web console: the coverage form and the day view")
struct ConsoleDeskTests {
    @Test("a coverage form with a bad date or number shows the error beside the field and writes nothing; a good one records the check")
    func coverageForm() async throws {
        let site = try await ConsoleHTTPTests.site(accounts: [("desk", "frontdesk")])
        let desk = ConsoleBrowser(port: site.consolePort)
        #expect(try await desk.signIn("desk", ConsoleHTTPTests.password).status == 303)
        let blank = try await desk.get("/coverage/new?patient=p1")
        #expect(
            blank.status == 200 && blank.body.contains(#"name="patient_id" value="p1""#) && blank.body.contains(#"name="requires_lmn" value="no""#))
        let token = try #require(blank.csrf)
        var fields = [
            "patient_id": "p1", "payer": "Aetna", "member_id": "W123", "covered": "yes", "requires_lmn": "yes", "visit_limit": "ten",
            "rep": "प्रिया", "valid_until": "2026-02-30", "in_network": "downtown, uptown", "icd10": "M54.50", "csrf": token,
        ]
        let entries = try await site.changeCount()
        let refused = try await desk.post("/coverage", fields)
        #expect(refused.status == 400 && refused.body.contains("Nothing was recorded"))
        #expect(refused.body.contains(#"<span class="error" id="visit_limit-error">Visit limit: must be a whole number</span>"#))
        #expect(refused.body.contains(#"id="valid_until-error""#) && refused.body.contains(#"value="ten" aria-invalid="true""#))
        #expect(!refused.body.contains(#"id="payer-error""#), "fields that are fine carry no error")
        #expect(refused.body.contains(#"name="rep" value="प्रिया""#), "text with combining marks comes back intact")
        let injected = try await desk.get("/coverage/new?patient=%22%CC%81%20autofocus%20x=%22")
        let patientInput = injected.body.components(separatedBy: "\n").first { $0.contains(#"name="patient_id""#) } ?? ""
        #expect(injected.status == 200 && patientInput.contains("&quot; autofocus x=&quot;"), "the quote stays escaped: \(patientInput)")
        fields["visit_limit"] = "10"
        fields["valid_until"] = "2027-06-30"
        fields["visit_limit_period"] = "authorization"
        let ruleBroken = try await desk.post("/coverage", fields)
        #expect(ruleBroken.status == 400 && ruleBroken.body.contains(#"id="authorization-error""#), "the record's own rules, beside their field")
        #expect(try await desk.post("/coverage", fields.merging(["csrf": "x"]) { $1 }).status == 403)
        #expect(try await site.changeCount() == entries)

        fields["authorization"] = "AUTH-7"
        let recorded = try await desk.post("/coverage", fields)
        #expect(recorded.status == 303 && recorded.location == "/patients/p1")
        let checks = try await site.cli.decode([CoverageCheckView].self, ["coverage", "list", "--json"])
        #expect(checks.count == 1 && checks.first?.checkedBy == "desk" && checks.first?.site == "downtown" && checks.first?.requiresLMN == true)
        #expect(checks.first?.inNetworkSites == ["downtown", "uptown"] && checks.first?.visitLimit == 10)
        #expect(await site.stop() == 0)
    }

    @Test("the day view lists a day's visits at every site by therapist and marks double bookings; a bad date is refused")
    func dayView() async throws {
        let site = try await ConsoleHTTPTests.site(accounts: [("desk", "frontdesk")])
        let first = try await AlertsCLITests.book(site, "2029-05-01T15:00:00Z", patient: "p1")
        let second = try await AlertsCLITests.book(site, "2029-05-01T15:30:00Z", patient: "p2", extra: ["--site", "uptown"])
        let apart = try await AlertsCLITests.book(site, "2029-05-01T09:00:00Z", patient: "p3", therapist: "Kim")
        let otherDay = try await AlertsCLITests.book(site, "2029-05-02T09:00:00Z", patient: "p4", therapist: "Kim")
        for result in [first, second, apart, otherDay] { #expect(result.status == 0) }
        let desk = ConsoleBrowser(port: site.consolePort)
        #expect(try await desk.signIn("desk", ConsoleHTTPTests.password).status == 303)
        let page = try await desk.get("/day?date=2029-05-01")
        #expect(page.status == 200 && page.body.contains("<h2>Kim</h2>") && page.body.contains("<h2>Sam</h2>"))
        #expect(page.body.components(separatedBy: "DOUBLE BOOKED").count - 1 == 2 && page.body.contains("uptown"))
        #expect(page.body.contains("(p3)") && !page.body.contains("(p4)"))
        #expect(try await desk.get("/day?date=2029-02-30").status == 400)
        let viewed = Set(try await site.cli.decode([AccessLogView].self, ["audit", "list", "--json"]).map(\.patientID))
        #expect(viewed == ["p1", "p2", "p3"])
        #expect(await site.stop() == 0)
    }
}
