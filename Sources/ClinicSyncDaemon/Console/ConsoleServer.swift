import ClinicSyncCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The request context of the console: the session the cookie names, once checked.
struct ConsoleRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var session: ConsoleSessions.Session?
    var token: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// The web console on `console.listen` (docs/design/console.md): sign-in, sessions, CSRF tokens and
/// the pages, every action through ``SiteApplication`` like the CLI's.
enum ConsoleServer {
    static let sessionCookie = "clinicsync_session"
    /// Before sign-in there is no session to hold a CSRF token: the form carries one that must
    /// match this cookie's (double submit).
    static let signInCookie = "clinicsync_signin"

    static func application(
        configuration: SiteConfiguration, address: ListenAddress, logger: Logger, onRunning: @escaping @Sendable () -> Void
    ) -> some Service {
        let sessions = ConsoleSessions()
        let router = Router(context: ConsoleRequestContext.self)
        router.add(middleware: ConsoleAuthentication(sessions: sessions))
        let pages = ConsoleRoutes(application: SiteApplication(configuration: configuration), sessions: sessions, logger: logger)
        pages.addRoutes(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "clinicsync-console"),
            onServerRunning: { _ in onRunning() }, logger: logger)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// Every path but the sign-in page and the stylesheet needs a live session: without one, a GET is
/// sent to `/login` and anything else refused. A POST must carry the session's CSRF token, and an
/// `Origin` header, when sent, must be this console's.
struct ConsoleAuthentication: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    let sessions: ConsoleSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ["/login", "/style.css"].contains(request.uri.path) { return try await next(request, context) }
        var context = context
        let token = request.cookies[ConsoleServer.sessionCookie]?.value
        guard let session = await sessions.session(token) else {
            return request.method == .get ? ConsoleServer.redirect(to: "/login") : Response(status: .unauthorized)
        }
        context.session = session
        context.token = token
        return try await next(request, context)
    }
}

/// A POSTed form, read whole (forms are small) and checked for a CSRF token.
struct ConsoleForm {
    let fields: [String: String]

    static func read(_ request: Request, context: ConsoleRequestContext) async throws -> ConsoleForm {
        let body = try await request.body.collect(upTo: 64 * 1024)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decoded(parts[0])] = parts.count > 1 ? decoded(parts[1]) : ""
        }
        return ConsoleForm(fields: fields)
    }

    /// Whether the form's `csrf` field equals `expected` (and an `Origin` sent is this host's).
    func carriesToken(_ expected: String?, request: Request) -> Bool {
        if let origin = request.headers[.origin], let host = request.head.authority, origin != "http://\(host)", origin != "https://\(host)" {
            return false
        }
        guard let expected, let given = fields["csrf"] else { return false }
        return ConsoleSessions.same(given, expected)
    }
}
