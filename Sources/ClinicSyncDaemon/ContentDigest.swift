import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Crypto

/// A short fingerprint of a site's synchronised state, for comparing sites.
enum ContentDigest {
    /// `sha256:` and the hex SHA-256 of the store's canonical dump (the same written form as a
    /// certificate ``Fingerprint``).
    static func of(_ store: SiteStore) throws(StoreError) -> String {
        Fingerprint(sha256Digest: SHA256.hash(data: Array(try store.canonicalDump().utf8))).rawValue
    }
}

extension SiteStore {
    /// ``check()`` and the origin chains held here (``checkChains(crypto:)``).
    func checkAll() throws(StoreError) -> [String] {
        try check() + checkChains(crypto: SiteChainCrypto())
    }
}
