package import ClinicSyncCore
import Synchronization

/// The sites allowed to call this site's peer API, with what each must present; replaced when the
/// configuration is reloaded. It fails closed: a request is accepted only with the credential
/// configured for its sender, never for lack of one.
package final class PeerDirectory: Sendable {
    private let peers: Mutex<[SiteID: PeerCredentials]>

    /// A directory of the given sites.
    package init(_ peers: [SiteID: PeerCredentials]) {
        self.peers = Mutex(peers)
    }

    /// Whether `site` is a configured peer.
    package func contains(_ site: SiteID) -> Bool { peers.withLock { $0[site] != nil } }

    /// Whether `site` may call, presenting `credential`: over TLS, the certificate pinned for it;
    /// over plain HTTP, the secret shared with it.
    func accepts(_ site: SiteID, presenting credential: PresentedCredential) -> Bool {
        peers.withLock { entries in
            guard let pinned = entries[site] else { return false }
            switch credential {
            case let .certificate(presented): return pinned.fingerprint == presented
            case .unreadableCertificate: return false
            case let .secret(presented):
                guard let secret = pinned.secret, let presented else { return false }
                return secret.matches(presented)
            }
        }
    }

    /// The configured site whose fingerprint is `fingerprint`, if any.
    package func site(for fingerprint: Fingerprint) -> SiteID? {
        peers.withLock { entries in entries.first { $0.value.fingerprint == fingerprint }?.key }
    }

    /// The configured sites, in id order.
    package var sites: [SiteID] { peers.withLock { $0.keys.sorted() } }

    /// Replaces the allowed sites.
    package func replace(with newPeers: [SiteID: PeerCredentials]) { peers.withLock { $0 = newPeers } }
}
