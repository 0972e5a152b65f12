import ClinicSyncCore
import ClinicSyncSync
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
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

    /// With `identity`, the console is served over HTTPS with the site's certificate (cookies
    /// then carry `Secure`).
    static func application(
        configuration: SiteConfiguration, address: ListenAddress, identity: SiteIdentity?, logger: Logger,
        onRunning: @escaping @Sendable () -> Void
    ) throws -> some Service {
        let sessions = ConsoleSessions()
        let application = SiteApplication(configuration: configuration)
        let cookies = ConsoleCookies(port: address.port, secure: identity != nil)
        let router = Router(context: ConsoleRequestContext.self)
        router.add(
            middleware: ConsoleAuthentication(
                sessions: sessions, application: application, cookies: cookies, hosts: ConsoleAuthentication.hosts(for: address),
                tls: identity != nil))
        let pages = ConsoleRoutes(application: application, sessions: sessions, cookies: cookies, logger: logger)
        pages.addRoutes(to: router)
        var server = HTTPServerBuilder.http1()
        if let identity {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(identity.certificate)], privateKey: .privateKey(identity.privateKey))
            tls.minimumTLSVersion = .tlsv12
            server = try .tls(.http1(), tlsConfiguration: tls)
        }
        return Application(
            router: router, server: server,
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

/// The console's cookie names carry its port: browsers share cookies between the ports of one
/// host, and several sites' consoles may run on one machine.
struct ConsoleCookies: Sendable {
    let session: String
    /// Before sign-in there is no session to hold a CSRF token: the form carries one that must
    /// match this cookie's (double submit).
    let signIn: String
    /// Over HTTPS: the browser sends the cookies only over HTTPS.
    let secure: Bool

    init(port: Int, secure: Bool) {
        session = "clinicsync_session_\(port)"
        signIn = "clinicsync_signin_\(port)"
        self.secure = secure
    }
}

/// A request must name this console as its host (a page of another site whose name was rebound
/// to this address cannot use it). Every path but the sign-in page and the stylesheet then needs a
/// live session of an account that still exists with the same role and password: without one, a
/// GET is sent to `/login` and anything else refused.
struct ConsoleAuthentication: RouterMiddleware {
    typealias Context = ConsoleRequestContext
    let sessions: ConsoleSessions
    let application: SiteApplication
    let cookies: ConsoleCookies
    let hosts: Set<String>
    let tls: Bool

    static func hosts(for address: ListenAddress) -> Set<String> {
        Set([address.host, "127.0.0.1", "localhost", "[::1]"].map { "\($0):\(address.port)" })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Under TLS a rebound name fails the certificate check first; on plain loopback HTTP the
        // Host is all there is to tell this console from a page that rebound its name here.
        guard tls || request.head.authority.map({ hosts.contains($0.lowercased()) }) == true else {
            return Response(status: .misdirectedRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: "not this console's address\n")))
        }
        if ["/login", "/style.css", "/favicon.ico"].contains(request.uri.path) { return try await next(request, context) }
        var context = context
        let token = request.cookies[cookies.session]?.value
        let refreshing = request.uri.path == "/" && request.uri.queryParameters.get("auto") == "1"
        guard let token, let session = await sessions.session(token, touch: !refreshing) else {
            return request.method == .get ? ConsoleServer.redirect(to: "/login") : Response(status: .unauthorized)
        }
        let state = try await StoreThreads.run { [application] in try application.accountState(name: session.account) }
        guard let state, state.role == session.role.rawValue, state.credential == session.credential else {
            await sessions.close(token)
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
