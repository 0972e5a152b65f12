import ClinicSyncCore
import ClinicSyncSync

extension SiteConfiguration {
    /// The site identity, loaded when TLS is in use (serving without `server.plaintext`, or any
    /// https peer); `nil` for a plain-HTTP loopback set-up.
    public func loadIdentityIfNeeded() throws(DaemonError) -> SiteIdentity? {
        guard !plaintext || peers.contains(where: \.usesTLS) else { return nil }
        return try identityFiles.load()
    }

    /// The peers allowed to call this site, with the fingerprint each must present.
    var peerDirectoryEntries: [SiteID: Fingerprint?] {
        Dictionary(peers.compactMap { peer in (try? SiteID(peer.name)).map { ($0, peer.fingerprint) } }) { first, _ in first }
    }
}
