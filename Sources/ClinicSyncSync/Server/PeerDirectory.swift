import ClinicSyncCore
import Synchronization

/// The sites allowed to call this site's peer API; replaced when the configuration is reloaded.
public final class PeerDirectory: Sendable {
    private let sites: Mutex<Set<SiteID>>

    /// A directory of the given sites.
    public init(_ sites: Set<SiteID>) {
        self.sites = Mutex(sites)
    }

    /// Whether `site` may call.
    public func accepts(_ site: SiteID) -> Bool { sites.withLock { $0.contains(site) } }

    /// Replaces the allowed sites.
    public func replace(with newSites: Set<SiteID>) { sites.withLock { $0 = newSites } }
}
