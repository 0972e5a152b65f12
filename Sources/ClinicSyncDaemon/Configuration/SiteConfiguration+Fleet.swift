import ClinicSyncCore
import ClinicSyncSync
import Foundation

/// A site of the fleet as the `fleet` section lists it.
struct FleetMember: Sendable, Equatable {
    let site: SiteID
    /// Its current key; `nil` when the entry only lists retired keys of this site or of a peer.
    let fingerprint: Fingerprint?
    /// Retired keys, each valid for groups that end at or before its number.
    let previous: [FleetKeys.Key]
    /// `retired: true`: a site shut down for good. Its changes (still relayed to sites that join
    /// later) are accepted, but compaction no longer waits for it.
    let retired: Bool
}

extension SiteConfiguration {
    /// The keys this site accepts each origin's changes from: its own (`ownFingerprint`, from its
    /// identity), its peers', and the `fleet` section's, with the retired keys listed there.
    func fleetKeys(ownFingerprint: Fingerprint) throws(ConfigError) -> FleetKeys {
        var keys: [SiteID: [FleetKeys.Key]] = [siteID: [FleetKeys.Key(fingerprint: ownFingerprint)]]
        for peer in peers {
            guard let site = try? SiteID(peer.name), let fingerprint = peer.fingerprint else { continue }
            keys[site] = [FleetKeys.Key(fingerprint: fingerprint)]
        }
        for (index, member) in fleet.enumerated() {
            if let fingerprint = member.fingerprint {
                if let current = keys[member.site]?.first, current.fingerprint != fingerprint {
                    let which = member.site == siteID ? "this site's identity has \(current.fingerprint)" : "peers lists \(current.fingerprint)"
                    throw .invalidValue(path: path, key: "fleet[\(index)].fingerprint", expected: "the site's current key fingerprint (\(which))")
                }
                keys[member.site] = [FleetKeys.Key(fingerprint: fingerprint)]
            }
            guard keys[member.site] != nil else {
                throw .missingKey(
                    path: path, key: "fleet[\(index)].fingerprint",
                    expected: "the current key fingerprint of '\(member.site)', which is neither this site nor a peer")
            }
            keys[member.site]! += member.previous
        }
        return FleetKeys(keys)
    }

    static func readFleet(_ document: ConfigDocument, site own: SiteID, peers: [PeerEndpoint]) throws(ConfigError) -> [FleetMember] {
        var members: [FleetMember] = []
        for (index, item) in document.list(Keys.fleet).enumerated() {
            let key = "\(Keys.fleet)[\(index)]"
            guard let name = item["site"], let site = try? SiteID(name) else {
                throw .invalidValue(path: document.path, key: "\(key).site", expected: "a site.id (a-z, 0-9, '-', '_')")
            }
            guard !members.contains(where: { $0.site == site }) else {
                throw .invalidValue(path: document.path, key: "\(key).site", expected: "a site not listed twice in fleet")
            }
            let fingerprint = try readFingerprint(item["fingerprint"], key: "\(key).fingerprint", document: document)
            guard fingerprint != nil || site == own || peers.contains(where: { $0.name == site.rawValue }) else {
                throw .missingKey(
                    path: document.path, key: "\(key).fingerprint",
                    expected:
                        "the current key fingerprint of '\(site)', which is neither this site nor a peer (`clinicsync identity show` at that "
                        + "site prints it)"
                )
            }
            var previous: [FleetKeys.Key] = []
            for part in (item["previous"] ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
                let pieces = part.split(separator: "@", maxSplits: 1).map(String.init)
                guard pieces.count == 2, let retired = try? Fingerprint(pieces[0]), let until = Int64(pieces[1]), until >= 0 else {
                    throw .invalidValue(
                        path: document.path, key: "\(key).previous",
                        expected: "sha256:<64 hex digits>@<last number>, comma-separated, as `clinicsync identity rotate` prints them")
                }
                previous.append(FleetKeys.Key(fingerprint: retired, validThrough: until))
            }
            var retired = false
            if let text = item["retired"] {
                guard let flag = Bool(text.lowercased()) else {
                    throw .invalidValue(path: document.path, key: "\(key).retired", expected: "true or false")
                }
                guard !flag || (site != own && !peers.contains(where: { $0.name == site.rawValue })) else {
                    throw .invalidValue(
                        path: document.path, key: "\(key).retired", expected: "false for this site and its peers (remove a retired site from peers)")
                }
                retired = flag
            }
            members.append(FleetMember(site: site, fingerprint: fingerprint, previous: previous, retired: retired))
        }
        return members
    }
}
