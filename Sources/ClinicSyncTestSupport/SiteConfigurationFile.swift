import Foundation

/// A site's `clinicsync.yaml` as the tests and the fault harness write it: one builder, so every
/// harness configures a site the same way and a new setting is added in one place. Settings left
/// nil are left out, so the daemon's defaults apply.
package struct SiteConfigurationFile: Sendable {
    /// A peer this site calls: over https (TLS, no secret) or plain HTTP on loopback with the
    /// pair's shared secret; pinned by its key fingerprint when one is given.
    package struct Peer: Sendable {
        package var name: String
        package var url: String
        package var fingerprint: String?
        package var secret: String?

        package init(name: String, url: String, fingerprint: String? = nil, secret: String? = nil) {
            self.name = name
            self.url = url
            self.fingerprint = fingerprint
            self.secret = secret
        }

        /// Peer `name` of site `site`, reached over plain HTTP on 127.0.0.1:`port` with the pair's secret.
        package static func loopback(_ name: String, port: Int, fingerprint: String?, of site: String) -> Peer {
            Peer(name: name, url: "http://127.0.0.1:\(port)", fingerprint: fingerprint, secret: SiteConfigurationFile.secret(site, name))
        }
    }

    /// A site whose changes arrive relayed, pinned by its key fingerprint.
    package struct FleetMember: Sendable {
        package var site: String
        package var fingerprint: String

        package init(site: String, fingerprint: String) {
            self.site = site
            self.fingerprint = fingerprint
        }
    }

    package var site: String
    /// Relative to the configuration file's directory.
    package var database: String
    /// The peer API's port on 127.0.0.1; nil leaves the server out (a site only the CLI uses).
    package var listenPort: Int?
    package var plaintext = true
    package var metricsPort: Int?
    /// The web console's port; `nil`: the console is off (so that many sites share a machine).
    package var consolePort: Int?
    /// Serve the console over HTTPS with the site's identity.
    package var consoleTLS = false
    package var controlSocket: String?
    package var intervalSeconds: Int?
    package var timeoutSeconds: Int?
    package var maxBackoffSeconds: Int?
    package var batchChanges: Int?
    package var compression: Bool?
    package var live: Bool?
    package var compactionIntervalSeconds: Int?
    package var logLevel: String?
    package var peers: [Peer] = []
    package var fleet: [FleetMember] = []
    /// YAML appended as it is, for the settings one test exercises (clock bounds, previous keys).
    package var extra = ""

    package init(site: String, database: String) {
        self.site = site
        self.database = database
    }

    /// The secret two sites share over plain HTTP: the same at both ends of a pair, as two
    /// operators would configure it.
    package static func secret(_ one: String, _ other: String) -> String {
        "pair-" + [one, other].sorted().joined(separator: "-") + "-secret"
    }

    package var text: String {
        var lines = ["site:", "  id: \(site)", "  database: \(database)"]
        if let listenPort { lines += ["server:", "  listen: 127.0.0.1:\(listenPort)", "  plaintext: \(plaintext)"] }
        if let metricsPort { lines += ["metrics:", "  listen: 127.0.0.1:\(metricsPort)"] }
        lines +=
            consolePort.map { ["console:", "  listen: 127.0.0.1:\($0)"] + (consoleTLS ? ["  tls: true"] : []) } ?? ["console:", "  enabled: false"]
        if let controlSocket { lines += ["control:", "  socket: \(controlSocket)"] }
        let syncSettings: [(key: String, value: String?)] = [
            ("interval_seconds", intervalSeconds.map { String($0) }), ("max_backoff_seconds", maxBackoffSeconds.map { String($0) }),
            ("timeout_seconds", timeoutSeconds.map { String($0) }), ("batch_changes", batchChanges.map { String($0) }),
            ("compression", compression.map { String($0) }), ("live", live.map { String($0) }),
        ]
        let sync = syncSettings.compactMap { setting in setting.value.map { "  \(setting.key): \($0)" } }
        if !sync.isEmpty { lines += ["sync:"] + sync }
        if let compactionIntervalSeconds { lines += ["compaction:", "  interval_seconds: \(compactionIntervalSeconds)"] }
        if let logLevel { lines += ["log:", "  level: \(logLevel)"] }
        if !peers.isEmpty { lines.append("peers:") }
        for peer in peers {
            lines += ["  - name: \(peer.name)", "    url: \(peer.url)"]
            if let fingerprint = peer.fingerprint { lines.append("    fingerprint: \(fingerprint)") }
            if let secret = peer.secret { lines.append("    secret: \(secret)") }
        }
        if !fleet.isEmpty { lines.append("fleet:") }
        for member in fleet { lines += ["  - site: \(member.site)", "    fingerprint: \(member.fingerprint)"] }
        return lines.joined(separator: "\n") + "\n" + extra
    }

    package func write(to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
