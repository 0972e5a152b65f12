import ClinicSyncCore
import Synchronization

/// The sites allowed to call this site's peer API, with the certificate fingerprint each must
/// present; replaced when the configuration is reloaded.
public final class PeerDirectory: Sendable {
    private let peers: Mutex<[SiteID: Fingerprint?]>

    /// A directory of the given sites (a `nil` fingerprint: plaintext on loopback only).
    public init(_ peers: [SiteID: Fingerprint?]) {
        self.peers = Mutex(peers)
    }

    /// Whether `site` may call. Over TLS, the certificate it presented must be the one pinned for
    /// it; without TLS (loopback only) being configured suffices.
    public func accepts(_ site: SiteID, presenting presented: Fingerprint?) -> Bool {
        peers.withLock { entries in
            guard let pinned = entries[site] else { return false }
            guard let presented else { return true }
            return pinned == presented
        }
    }

    /// The configured site whose fingerprint is `fingerprint`, if any.
    public func site(for fingerprint: Fingerprint) -> SiteID? {
        peers.withLock { entries in entries.first { $0.value == fingerprint }?.key }
    }

    /// The configured sites, in id order.
    public var sites: [SiteID] { peers.withLock { $0.keys.sorted() } }

    /// Replaces the allowed sites.
    public func replace(with newPeers: [SiteID: Fingerprint?]) { peers.withLock { $0 = newPeers } }
}
