import HTTPTypes
import Hummingbird
import NIOCore

/// A refused peer request: an HTTP status, a stable code and a message naming what is wrong. It
/// renders itself as the protocol's failure body (`{"code": ..., "error": ...}`).
struct PeerRequestError: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    static func badRequest(_ message: String) -> Self { Self(status: .badRequest, code: "malformed_request", message: message) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = (try? BodyCoding.encode(WireMessage.Failure(code: code, error: message))) ?? ByteBuffer()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}
