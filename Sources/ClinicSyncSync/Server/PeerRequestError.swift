import Hummingbird

/// A refused peer request: an HTTP status, a stable code and a message naming what is wrong.
struct PeerRequestError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    static func badRequest(_ message: String) -> Self { Self(status: .badRequest, code: "malformed_request", message: message) }
}
