import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Mutual TLS between sites, pinned by fingerprint", .serialized)
struct MutualTLSTests {
    @Test("init prints the fingerprint of an owner-only key; running it again keeps the identity")
    func identityIsStable() async throws {
        let site = try await SiteProcess("north")
        let fingerprint = try await site.fingerprint()
        #expect(fingerprint.hasPrefix("sha256:") && fingerprint.count == 71)
        let again = try await site.cli.decode(InitResult.self, ["init", "--json"])
        #expect(again.fingerprint == fingerprint && !again.identityCreated)
        let key = try FileManager.default.attributesOfItem(atPath: site.cli.databasePath + ".key.pem")
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try await site.status().fingerprint == fingerprint)
    }

    @Test("two sites sync over TLS; an unknown certificate and a wrong pin are both refused")
    func pinnedSync() async throws {
        let north = try await SiteProcess("north")
        let south = try await SiteProcess("south")
        let stranger = try await SiteProcess("stranger")
        try await north.configure(peers: [south], tls: true)
        try await south.configure(peers: [north], tls: true)
        try await stranger.configure(peers: [north], tls: true)
        try await north.start()
        try await south.start()
        let id = try await north.addAppointment()
        let result = try await south.syncNow()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try await south.cli.run(["appointment", "show", id]).status == 0)
        #expect(try await north.state() == south.state())

        // A site north does not know: its handshake is refused, and north logs its fingerprint.
        let refused = try await stranger.syncNow()
        #expect(refused.status == 69, "\(refused.peers)")
        #expect(north.log().contains("refused a TLS connection from an unknown certificate"), "\(refused.peers) \(north.log())")
        #expect(north.log().contains(try await stranger.fingerprint()))

        // A wrong pin: south expects another key for north.
        try await south.configure(peers: [north], tls: true) { $0.peers[0].fingerprint = "sha256:" + String(repeating: "ab", count: 32) }
        await south.stop()
        let pinned = try await south.syncNow()
        #expect(pinned.status == 69)
        #expect(pinned.stderr.contains("north") || pinned.peers.first?.error != nil)
        let error = try #require(pinned.peers.first?.error)
        #expect(error.contains(try await north.fingerprint()) && error.contains("pins"))
    }

    @Test("a known certificate used under another site's name is refused with site_mismatch")
    func siteMismatch() async throws {
        let hub = try await SiteProcess("hub")
        let honest = try await SiteProcess("honest")
        let impostor = try await SiteProcess("impostor")
        try await hub.configure(peers: [honest, impostor], tls: true)
        // The impostor presents honest's key and certificate but calls itself "impostor".
        for suffix in [".cert.pem", ".key.pem"] {
            try? FileManager.default.removeItem(atPath: impostor.cli.databasePath + suffix)
            try FileManager.default.copyItem(atPath: honest.cli.databasePath + suffix, toPath: impostor.cli.databasePath + suffix)
        }
        try await impostor.configure(peers: [hub], tls: true)
        try await hub.start()
        let result = try await impostor.syncNow()
        #expect(result.status == 69)
        let error = try #require(result.peers.first?.error)
        #expect(error.contains("site_mismatch") && error.contains("honest"), "\(error) \(hub.log())")
    }

    @Test("rotating a key: peers refuse the new key until they pin it, then sync resumes")
    func keyRotation() async throws {
        let north = try await SiteProcess("north")
        let south = try await SiteProcess("south")
        try await north.configure(peers: [south], tls: true)
        try await south.configure(peers: [north], tls: true)
        try await north.start()
        #expect(try await south.syncNow().status == 0)
        let old = try await north.fingerprint()
        await north.stop()
        let rotated = try await north.cli.decode(
            KeyRotationResult.self, ["identity", "rotate", "--json"], keys: ["fingerprint", "previous", "previous_fingerprint"])
        let new = rotated.fingerprint
        #expect(new != old && rotated.previousFingerprint == old)
        #expect(FileManager.default.fileExists(atPath: north.cli.databasePath + ".key.previous.pem"))
        try await north.start()
        let beforeUpdate = try await south.syncNow()
        #expect(beforeUpdate.status == 69, "south still pins the old key")
        // Pinning the new key alone: what north signed with the old one (its chain start) is refused.
        try await south.configure(peers: [north], tls: true)
        #expect(try String(contentsOfFile: south.cli.configPath, encoding: .utf8).contains(new))
        try await north.addAppointment()
        let withoutPrevious = try await south.syncNow()
        #expect(
            withoutPrevious.status == 69 && withoutPrevious.peers.contains { $0.error?.contains("bad_signature") == true }, "\(withoutPrevious.peers)"
        )
        // With the old key accepted up to where it signed, as `identity rotate` printed it.
        let previous = rotated.previous
        #expect(previous.hasPrefix(old + "@"))
        try await south.configure(peers: [north], tls: true, extra: "fleet:\n  - site: north\n    previous: \(previous)\n")
        let after = try await south.syncNow()
        #expect(after.status == 0, "\(after.peers) \(north.log())")
        #expect(try await north.state() == south.state())
    }

    @Test("the control socket is owner-and-group only; another user gets a clear error, not a hang")
    func controlSocketPermissions() async throws {
        let site = try await SiteProcess("guarded")
        try await site.configure(peers: [])
        try await site.start()
        let socket = site.cli.directory + "/run/control.sock"
        let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o660)
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return }
        let result = try await ChildProcess.run(
            "/usr/sbin/runuser", ["-u", "nobody", "--", CLIHarness.binary.path, "sync", "now", "--config", site.cli.configPath])
        #expect(result.status != 0)
        #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
    }
}

@Suite("Over plain HTTP on loopback, peers prove themselves by a shared secret", .serialized)
struct PeerSecretTests {
    @Test("a peer whose secret differs is refused both ways, names the problem, and changes nothing; the right secret syncs")
    func sharedSecret() async throws {
        let north = try await SiteProcess("north")
        let south = try await SiteProcess("south")
        try await north.configure(peers: [south])
        // south holds a stale secret for north: neither can prove itself to the other.
        try await south.configure(peers: [north]) { $0.peers[0].secret = "a-secret-north-never-had" }
        try await north.start()
        try await north.addAppointment(patient: "p1")
        try await south.addAppointment(patient: "p2")
        let northBefore = try await north.state()
        let southBefore = try await south.state()
        let refused = try await south.syncNow()
        #expect(refused.status == 69, "\(refused.peers)")
        let error = try #require(refused.peers.first?.error)
        #expect(error.contains("unauthenticated_peer") && error.contains("south"), "\(error)")
        #expect(north.log().contains("unauthenticated_peer") && !north.log().contains("a-secret-north-never-had"), "\(north.log())")
        // The other way: north presents the right secret, which south does not hold.
        try await south.start()
        let other = try await north.syncNow()
        let otherError = try #require(other.peers.first?.error)
        #expect(other.status == 69 && otherError.contains("unauthenticated_peer") && otherError.contains("north"), "\(otherError)")
        #expect(await south.stop() == 0)
        #expect(try await north.state() == northBefore)
        #expect(try await south.state() == southBefore)

        try await south.configure(peers: [north])
        let synced = try await south.syncNow()
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try await north.state() == south.state())
    }
}
