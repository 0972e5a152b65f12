package import ClinicSyncCore

/// A secret two sites share to authenticate each other over plain HTTP on loopback, where no
/// certificate can: both configurations carry the same value for each other (`peers[].secret`).
package struct PeerSecret: Hashable, Sendable {
    let value: String

    /// Validates the configured form: 16 to 256 of `A-Z a-z 0-9 . _ ~ + / = -` (the characters of a
    /// bearer token, none of which YAML reads as syntax).
    package init(_ text: String) throws(ValidationError) {
        guard (16...256).contains(text.utf8.count), text.utf8.allSatisfy(Self.allowed.contains) else {
            throw ValidationError(field: "secret", rule: Self.rule)
        }
        value = text
    }

    static let rule = "must be 16 to 256 characters of A-Z, a-z, 0-9 and . _ ~ + / = -, for example from `openssl rand -hex 24`"

    private static let allowed: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=-".utf8))

    /// Whether `presented` is this secret; takes the same time wherever the two differ, so timing
    /// tells a caller nothing about how close its guess was.
    func matches(_ presented: String) -> Bool {
        let expected = Array(value.utf8)
        let given = Array(presented.utf8)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in expected.indices { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
        return difference == 0
    }
}

/// What a configured peer must present to call this site: over TLS the certificate whose
/// fingerprint is pinned for it, over plain HTTP (loopback only) the secret shared with it.
package struct PeerCredentials: Hashable, Sendable {
    package let fingerprint: Fingerprint?
    package let secret: PeerSecret?

    package init(fingerprint: Fingerprint?, secret: PeerSecret?) {
        self.fingerprint = fingerprint
        self.secret = secret
    }
}

/// What a request presented to prove its sender.
enum PresentedCredential: Sendable {
    /// A TLS client certificate with this fingerprint.
    case certificate(Fingerprint)
    /// A TLS connection whose client certificate could not be read: refused.
    case unreadableCertificate
    /// Plain HTTP, with the `Authorization: Bearer` value if there was one.
    case secret(String?)
}

/// How the peer API is served.
package enum PeerTransport: Sendable {
    /// Mutual TLS: callers are proven by their certificates.
    case tls
    /// Plain HTTP on loopback: callers are proven by their shared secrets.
    case plaintext
}
