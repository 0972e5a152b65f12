import ClinicSyncCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The console's routes: sign-in and sign-out, the overview, the stylesheet.
struct ConsoleRoutes: Sendable {
    let application: SiteApplication
    let sessions: ConsoleSessions
    let cookies: ConsoleCookies
    let logger: Logger

    func addRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: ConsolePages.stylesheet)))
        }
        router.get("/login") { request, _ in try await signInPage(request) }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.post("/login") { request, context in try await signIn(request, context: context) }
        router.post("/logout") { request, context in try await signOut(request, context: context) }
        router.get("/") { _, context in try await overview(context) }
        router.get("/patients") { request, context in try await patients(request, context: context) }
        router.get("/patients/:id") { _, context in try await patient(context) }
        router.get("/audit") { _, context in try await audit(context) }
        addReviewRoutes(to: router)
        addDeskRoutes(to: router)
    }

    func layout(_ context: ConsoleRequestContext, title: String) -> [String: Any] {
        var object: [String: Any] = ["title": title, "site": application.siteID.rawValue]
        if let session = context.session {
            object["account"] = session.account
            object["role"] = session.role.rawValue
            object["csrf"] = session.csrfToken
            object["isAdmin"] = session.role == .admin
        }
        return object
    }

    func message(_ context: ConsoleRequestContext, title: String, text: String, status: HTTPResponse.Status) -> Response {
        var object = layout(context, title: title)
        object["text"] = text
        return ConsoleServer.html(ConsolePages.render("message", object), status: status)
    }

    /// The search form; a search goes to the patient's page.
    private func patients(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        var object = layout(context, title: "Patients")
        if let query = request.uri.queryParameters.get("id")?.trimmingCharacters(in: .whitespaces), !query.isEmpty {
            return ConsoleServer.redirect(
                to: "/patients/" + (query.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? ""))
        }
        object["query"] = ""
        return ConsoleServer.html(ConsolePages.render("patients", object))
    }

    /// One patient across every site; the view is recorded in the access log first.
    private func patient(_ context: ConsoleRequestContext) async throws -> Response {
        guard let session = context.session, let patientID = context.parameters.get("id")?.removingPercentEncoding else {
            return Response(status: .badRequest)
        }
        let found: PatientView
        do {
            found = try await StoreThreads.run { [application] in try application.patient(id: patientID) }
        } catch let error as ApplicationError where error.kind == .notFound {
            var object = layout(context, title: "Patients")
            object["query"] = ConsoleText.attributeSafe(patientID)
            object["notFound"] = true
            return ConsoleServer.html(ConsolePages.render("patients", object), status: .notFound)
        }
        try await StoreThreads.run { [application] in
            try application.recordAccess(account: session.account, patientIDs: [patientID], page: "/patients/\(patientID)")
        }
        var object = layout(context, title: "Patient \(patientID)")
        object["patientID"] = patientID
        object["prescriptions"] = found.prescriptions.map { prescription -> [String: Any] in
            [
                "id": prescription.id, "payer": prescription.payer ?? "-", "issuedOn": prescription.issuedOn ?? "-",
                "expiresOn": prescription.expiresOn ?? "-", "usage": prescription.usage.map(ConsoleText.usage) ?? "usage not available",
                "scope": ConsoleText.scope(prescription),
            ]
        }
        object["coverage"] = found.coverage.map(ConsoleText.coverage)
        let upcoming = found.upcomingAppointments.map { ["startsAt": $0.startsAt, "site": $0.site, "status": $0.status, "id": $0.id] }
        object["upcoming"] = upcoming
        object["hasUpcoming"] = !upcoming.isEmpty
        object["alerts"] = found.alerts.map { ["kind": $0.kind, "message": $0.message, "id": $0.id] }
        return ConsoleServer.html(ConsolePages.render("patient", object))
    }

    /// The access log, for admins only.
    private func audit(_ context: ConsoleRequestContext) async throws -> Response {
        guard context.session?.role == .admin else {
            return message(context, title: "Not allowed", text: "Only an admin account may read the access log.", status: .forbidden)
        }
        let limit = 500
        let entries = try await StoreThreads.run { [application] in try application.accessLog(limit: limit) }
        var object = layout(context, title: "Access log")
        object["limit"] = limit
        object["entries"] = entries.map { ["at": $0.at, "account": $0.account, "patientID": $0.patientID, "page": $0.page] }
        object["hasEntries"] = !entries.isEmpty
        return ConsoleServer.html(ConsolePages.render("audit", object))
    }

    private func signInPage(
        _ request: Request, error: String? = nil, name: String = "", status: HTTPResponse.Status = .ok
    ) async throws
        -> Response
    {
        // A token the browser holds already is kept: a second fetch of this page (a browser asking
        // for its icon, another tab) must not invalidate the form shown first.
        let held = request.cookies[cookies.signIn]?.value
        let token = held.flatMap { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0.lowercased() : nil } ?? ConsoleSessions.randomToken()
        var object: [String: Any] = ["title": "Sign in", "site": application.siteID.rawValue, "csrf": token, "name": name]
        if let error { object["error"] = error }
        var response = ConsoleServer.html(ConsolePages.render("login", object), status: status)
        response.setCookie(Cookie(name: cookies.signIn, value: token, path: "/login", secure: cookies.secure, httpOnly: true, sameSite: .strict))
        return response
    }

    private func signIn(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard form.carriesToken(request.cookies[cookies.signIn]?.value, request: request) else {
            return try await signInPage(request, error: "The form had expired; sign in again.", status: .forbidden)
        }
        let name = form.fields["name"] ?? ""
        let password = form.fields["password"] ?? ""
        guard let result = try await ConsoleSignIns.run({ [application] in try application.signIn(name: name, password: password) }) else {
            return try await signInPage(
                request, error: "Too many sign-ins at once; try again in a moment.", name: ConsoleText.echoedName(name),
                status: .serviceUnavailable)
        }
        guard case let .signedIn(account, role, credential) = result else {
            logger.notice("console sign-in refused")
            return try await signInPage(
                request, error: "Wrong name or password, or the account is locked after repeated failures (15 minutes, or ask an admin).",
                name: ConsoleText.echoedName(name), status: .unauthorized)
        }
        logger.info("console sign-in", metadata: ["account": "\(account)"])
        let token = await sessions.open(account: account, role: role, credential: credential)
        var response = ConsoleServer.redirect(to: "/")
        response.setCookie(Cookie(name: cookies.session, value: token, path: "/", secure: cookies.secure, httpOnly: true, sameSite: .strict))
        return response
    }

    private func signOut(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard form.carriesToken(context.session?.csrfToken, request: request), let token = context.token else {
            return Response(status: .forbidden)
        }
        await sessions.close(token)
        var response = ConsoleServer.redirect(to: "/login")
        response.setCookie(Cookie(name: cookies.session, value: "", maxAge: 0, path: "/", secure: cookies.secure, httpOnly: true, sameSite: .strict))
        return response
    }

    private func overview(_ context: ConsoleRequestContext) async throws -> Response {
        let report = try? await application.status()
        let unreviewed = try? await StoreThreads.run { [application] in try application.conflicts(all: false).count }
        var object = layout(context, title: "Overview")
        object["refresh"] = 5
        object["version"] = ClinicSyncVersion.current
        if let report {
            object["daemon"] = report.daemon.running ? "running since \(report.daemon.startedAt ?? "-")" : "not running"
            object["database"] = report.database
            object["databaseSize"] = ByteCountFormatter.string(fromByteCount: Int64(report.databaseBytes), countStyle: .file)
            object["clock"] = report.clock
            object["openAlerts"] = report.openAlerts.values.reduce(0, +)
            let peers: [[String: Any]] = report.peers.map { peer in
                [
                    "name": peer.name, "lastAttempt": peer.lastAttempt ?? "never", "lastSuccess": peer.lastSuccess ?? "never",
                    "waiting": peer.waiting, "lastError": peer.lastError ?? "",
                ]
            }
            object["peers"] = peers
            object["hasPeers"] = !peers.isEmpty
        } else {
            object["daemon"] = "status unavailable"
        }
        object["unreviewedConflicts"] = unreviewed.map(String.init) ?? "-"
        return ConsoleServer.html(ConsolePages.render("overview", object))
    }
}
