import ClinicSyncCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The console's routes: sign-in and sign-out, the overview, the stylesheet.
struct ConsoleRoutes: Sendable {
    let application: SiteApplication
    let sessions: ConsoleSessions
    let logger: Logger

    func addRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: ConsolePages.stylesheet)))
        }
        router.get("/login") { request, _ in try await signInPage(request) }
        router.post("/login") { request, context in try await signIn(request, context: context) }
        router.post("/logout") { request, context in try await signOut(request, context: context) }
        router.get("/") { _, context in try await overview(context) }
    }

    private func layout(_ context: ConsoleRequestContext, title: String) -> [String: Any] {
        var object: [String: Any] = ["title": title, "site": application.siteID.rawValue]
        if let session = context.session {
            object["account"] = session.account
            object["role"] = session.role.rawValue
            object["csrf"] = session.csrfToken
        }
        return object
    }

    private func signInPage(
        _ request: Request, error: String? = nil, name: String = "", status: HTTPResponse.Status = .ok
    ) async throws
        -> Response
    {
        let token = ConsoleSessions.randomToken()
        var object: [String: Any] = ["title": "Sign in", "site": application.siteID.rawValue, "csrf": token, "name": name]
        if let error { object["error"] = error }
        var response = ConsoleServer.html(ConsolePages.render("login", object), status: status)
        response.setCookie(Cookie(name: ConsoleServer.signInCookie, value: token, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    private func signIn(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard form.carriesToken(request.cookies[ConsoleServer.signInCookie]?.value, request: request) else {
            return try await signInPage(request, error: "The form had expired; sign in again.", status: .forbidden)
        }
        let name = form.fields["name"] ?? ""
        let password = form.fields["password"] ?? ""
        let result = try await StoreThreads.run { [application] in try application.signIn(name: name, password: password) }
        guard case let .signedIn(account, role) = result else {
            logger.notice("console sign-in refused")
            return try await signInPage(
                request, error: "Wrong name or password, or the account is locked after repeated failures (15 minutes, or ask an admin).",
                name: name, status: .unauthorized)
        }
        logger.info("console sign-in", metadata: ["account": "\(account)"])
        let token = await sessions.open(account: account, role: role)
        var response = ConsoleServer.redirect(to: "/")
        response.setCookie(Cookie(name: ConsoleServer.sessionCookie, value: token, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    private func signOut(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard form.carriesToken(context.session?.csrfToken, request: request), let token = context.token else {
            return Response(status: .forbidden)
        }
        await sessions.close(token)
        var response = ConsoleServer.redirect(to: "/login")
        response.setCookie(Cookie(name: ConsoleServer.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
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
