import ClinicSyncCore
import HTTPTypes
import Testing

@testable import ClinicSyncSync

/// Who the peer API accepts as a site: the credential each transport carries against what the
/// configuration pins (checked without a TLS handshake; the CLI tests cover real certificates).
@Suite("Which credential proves a site")
struct PeerCredentialTests {
    let friend = try! SiteID("friend")
    let pinned = Fingerprint(sha256Digest: [UInt8](repeating: 1, count: 32))
    let other = Fingerprint(sha256Digest: [UInt8](repeating: 2, count: 32))

    @Test("over TLS: the pinned certificate only; another site's certificate and an unreadable one are refused, each naming why")
    func certificates() throws {
        let stranger = try SiteID("stranger")
        let directory = PeerDirectory([
            friend: PeerCredentials(fingerprint: pinned, secret: nil), stranger: PeerCredentials(fingerprint: other, secret: nil),
        ])
        #expect(directory.accepts(friend, presenting: .certificate(pinned)))
        #expect(!directory.accepts(friend, presenting: .certificate(other)))
        #expect(!directory.accepts(friend, presenting: .unreadableCertificate))
        let mismatch = PeerEnvelopeMiddleware.unauthenticated(friend, presented: .certificate(other), peers: directory)
        #expect(mismatch.status == .forbidden && mismatch.code == "site_mismatch" && mismatch.message.contains("site 'stranger'"))
        let unreadable = PeerEnvelopeMiddleware.unauthenticated(friend, presented: .unreadableCertificate, peers: directory)
        #expect(unreadable.status == .forbidden && unreadable.code == "certificate_unreadable" && unreadable.message.contains("friend"))
    }

    @Test("over plain HTTP: the pair's secret only; none, or another, is refused")
    func secrets() throws {
        let directory = PeerDirectory([friend: PeerCredentials(fingerprint: pinned, secret: try PeerSecret("0123456789abcdef0123"))])
        #expect(directory.accepts(friend, presenting: .secret("0123456789abcdef0123")))
        #expect(!directory.accepts(friend, presenting: .secret("0123456789abcdef0124")))
        #expect(!directory.accepts(friend, presenting: .secret(nil)))
        #expect(!directory.accepts(try SiteID("stranger"), presenting: .secret("0123456789abcdef0123")))
    }
}
