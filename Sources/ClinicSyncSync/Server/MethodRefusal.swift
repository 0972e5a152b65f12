package import HTTPTypes
package import Hummingbird

/// Answers a request whose method a known path does not serve with 405 `method_not_allowed` and an
/// `Allow` header, instead of the router's 404 (which would say the path does not exist).
package struct MethodRefusal<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: HTTPRequest.Method]

    /// Refuses, on each path of `allowed`, every method but its own.
    package init(allowed: [String: HTTPRequest.Method]) {
        self.allowed = allowed
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let method = allowed[request.uri.path], request.method != method else { return try await next(request, context) }
        var response = try PeerRequestError(
            status: .methodNotAllowed, code: "method_not_allowed", message: "\(request.uri.path) answers \(method.rawValue) only"
        ).response(from: request, context: context)
        response.headers[.allow] = method.rawValue
        return response
    }
}

/// A JSON object whose members, if any, are ignored (anything else does not decode).
struct EmptyObject: Decodable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)
    }
}
