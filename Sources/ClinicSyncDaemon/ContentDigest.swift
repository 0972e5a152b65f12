import ClinicSyncStore
import Crypto

/// A short fingerprint of a site's synchronised state, for comparing sites.
public enum ContentDigest {
    /// `sha256:` and the hex SHA-256 of the store's canonical dump.
    public static func of(_ store: SiteStore) throws(StoreError) -> String {
        let digest = SHA256.hash(data: Array(try store.canonicalDump().utf8))
        return "sha256:" + digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
