import ClinicSyncCore
import ClinicSyncSync

extension SiteConfiguration {
    /// The site identity, loaded when TLS is in use (serving without `server.plaintext`, or any
    /// https peer); `nil` for a plain-HTTP loopback set-up.
    func loadIdentityIfNeeded() throws(DaemonError) -> SiteIdentity? {
        guard !plaintext || peers.contains(where: \.usesTLS) else { return nil }
        return try identityFiles.load()
    }

    /// The peers allowed to call this site, with the certificate or secret each must present.
    var peerDirectoryEntries: [SiteID: PeerCredentials] {
        Dictionary(
            peers.compactMap { peer in
                (try? SiteID(peer.name)).map { ($0, PeerCredentials(fingerprint: peer.fingerprint, secret: peer.secret)) }
            }
        ) { first, _ in first }
    }
}
