package import ClinicSyncCore

/// A peer as configured: its site id (also its name), the base URL of its peer API, and the
/// fingerprint its certificate must have (`nil` only for plain HTTP on loopback), and the secret the
/// two sites share when they talk plain HTTP.
package struct PeerEndpoint: Hashable, Sendable {
    /// The peer's `site.id`.
    package let name: String
    /// E.g. `https://10.0.0.12:7420`.
    package let url: String
    /// The pinned fingerprint of the peer's certificate.
    package let fingerprint: Fingerprint?
    /// Sent with every plain-HTTP request and required of the peer's (`server.plaintext` only).
    package let secret: PeerSecret?

    /// Names a peer.
    package init(name: String, url: String, fingerprint: Fingerprint? = nil, secret: PeerSecret? = nil) {
        self.name = name
        self.url = url
        self.fingerprint = fingerprint
        self.secret = secret
    }

    /// Whether requests go over TLS.
    package var usesTLS: Bool { url.lowercased().hasPrefix("https://") }
}
