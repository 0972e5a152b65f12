/// A peer as configured: its site id (also its name) and the base URL of its peer API.
public struct PeerEndpoint: Hashable, Sendable {
    /// The peer's `site.id`.
    public let name: String
    /// E.g. `http://10.0.0.12:7420`.
    public let url: String

    /// Names a peer.
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}
