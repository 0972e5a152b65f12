import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain GETs of a daemon's own endpoints (`/health`, `/ready`, `/metrics`) from tests, awaited.
package enum LoopbackHTTP {
    /// The status and the body as text.
    package static func fetch(_ url: String) async throws -> (status: Int, body: String) {
        guard let address = URL(string: url) else { throw URLError(.badURL) }
        let (data, response) = try await URLSession.shared.data(from: address)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The body of a GET that must succeed (2xx).
    package static func get(_ url: String) async throws -> String {
        let answer = try await fetch(url)
        guard (200..<300).contains(answer.status) else { throw Refused(url: url, status: answer.status, body: answer.body) }
        return answer.body
    }

    /// A GET answered with something else than 2xx.
    package struct Refused: Error, CustomStringConvertible {
        package let url: String
        package let status: Int
        package let body: String

        package var description: String { "GET \(url) answered \(status): \(body.prefix(500))" }
    }
}
