import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Mutual TLS between sites, pinned by fingerprint", .serialized)
struct MutualTLSTests {
    @Test("init prints the fingerprint of an owner-only key; running it again keeps the identity")
    func identityIsStable() throws {
        let site = try SiteProcess("north")
        let fingerprint = try site.fingerprint()
        #expect(fingerprint.hasPrefix("sha256:") && fingerprint.count == 71)
        let again = try site.cli.decode(InitResult.self, ["init", "--json"])
        #expect(again.fingerprint == fingerprint && !again.identityCreated)
        let key = try FileManager.default.attributesOfItem(atPath: site.cli.databasePath + ".key.pem")
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try site.status().fingerprint == fingerprint)
    }

    @Test("two sites sync over TLS; an unknown certificate and a wrong pin are both refused")
    func pinnedSync() throws {
        let north = try SiteProcess("north")
        let south = try SiteProcess("south")
        let stranger = try SiteProcess("stranger")
        try north.configure(peers: [south], tls: true)
        try south.configure(peers: [north], tls: true)
        try stranger.configure(peers: [north], tls: true)
        try north.start()
        try south.start()
        let id = try north.addAppointment()
        let result = try south.syncNow()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try south.cli.run(["appointment", "show", id]).status == 0)
        #expect(try north.state() == south.state())

        // A site north does not know: its handshake is refused, and north logs its fingerprint.
        let refused = try stranger.syncNow()
        #expect(refused.status == 69, "\(refused.peers)")
        #expect(north.log().contains("refused a TLS connection from an unknown certificate"), "\(refused.peers) \(north.log())")
        #expect(north.log().contains(try stranger.fingerprint()))

        // A wrong pin: south expects another key for north.
        try south.configure(peers: [north], tls: true)
        let text = try String(contentsOfFile: south.cli.configPath, encoding: .utf8)
            .replacingOccurrences(of: try north.fingerprint(), with: "sha256:" + String(repeating: "ab", count: 32))
        try south.cli.writeConfig(text)
        south.stop()
        let pinned = try south.syncNow()
        #expect(pinned.status == 69)
        #expect(pinned.stderr.contains("north") || pinned.peers.first?.error != nil)
        let error = try #require(pinned.peers.first?.error)
        #expect(error.contains(try north.fingerprint()) && error.contains("pins"))
    }

    @Test("a known certificate used under another site's name is refused with site_mismatch")
    func siteMismatch() throws {
        let hub = try SiteProcess("hub")
        let honest = try SiteProcess("honest")
        let impostor = try SiteProcess("impostor")
        try hub.configure(peers: [honest, impostor], tls: true)
        // The impostor presents honest's key and certificate but calls itself "impostor".
        for suffix in [".cert.pem", ".key.pem"] {
            try? FileManager.default.removeItem(atPath: impostor.cli.databasePath + suffix)
            try FileManager.default.copyItem(atPath: honest.cli.databasePath + suffix, toPath: impostor.cli.databasePath + suffix)
        }
        try impostor.configure(peers: [hub], tls: true)
        try hub.start()
        let result = try impostor.syncNow()
        #expect(result.status == 69)
        let error = try #require(result.peers.first?.error)
        #expect(error.contains("site_mismatch") && error.contains("honest"), "\(error) \(hub.log())")
    }

    @Test("rotating a key: peers refuse the new key until they pin it, then sync resumes")
    func keyRotation() throws {
        let north = try SiteProcess("north")
        let south = try SiteProcess("south")
        try north.configure(peers: [south], tls: true)
        try south.configure(peers: [north], tls: true)
        try north.start()
        #expect(try south.syncNow().status == 0)
        let old = try north.fingerprint()
        north.stop()
        let rotated = try north.cli.decode(KeyRotationResult.self, ["identity", "rotate", "--json"])
        let new = rotated.fingerprint
        #expect(new != old && rotated.previousFingerprint == old)
        #expect(FileManager.default.fileExists(atPath: north.cli.databasePath + ".key.previous.pem"))
        try north.start()
        let beforeUpdate = try south.syncNow()
        #expect(beforeUpdate.status == 69, "south still pins the old key")
        // Pinning the new key alone: what north signed with the old one (its chain start) is refused.
        try south.configure(peers: [north], tls: true)
        #expect(try String(contentsOfFile: south.cli.configPath, encoding: .utf8).contains(new))
        try north.addAppointment()
        let withoutPrevious = try south.syncNow()
        #expect(
            withoutPrevious.status == 69 && withoutPrevious.peers.contains { $0.error?.contains("bad_signature") == true }, "\(withoutPrevious.peers)"
        )
        // With the old key accepted up to where it signed, as `identity rotate` printed it.
        let previous = rotated.previous
        #expect(previous.hasPrefix(old + "@"))
        try south.configure(peers: [north], tls: true, extra: "fleet:\n  - site: north\n    previous: \(previous)\n")
        let after = try south.syncNow()
        #expect(after.status == 0, "\(after.peers) \(north.log())")
        #expect(try north.state() == south.state())
    }

    @Test("the control socket is owner-and-group only; another user gets a clear error, not a hang")
    func controlSocketPermissions() throws {
        let site = try SiteProcess("guarded")
        try site.configure(peers: [])
        try site.start()
        let socket = site.cli.directory + "/run/control.sock"
        let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o660)
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = ["-u", "nobody", "--", CLIHarness.binary.path, "sync", "now", "--config", site.cli.configPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(text.contains("permission denied"), "\(text)")
    }
}

@Suite("Over plain HTTP on loopback, peers prove themselves by a shared secret", .serialized)
struct PeerSecretTests {
    @Test("a peer whose secret differs is refused both ways, names the problem, and changes nothing; the right secret syncs")
    func sharedSecret() throws {
        let north = try SiteProcess("north")
        let south = try SiteProcess("south")
        try north.configure(peers: [south])
        try south.configure(peers: [north])
        // south holds a stale secret for north: neither can prove itself to the other.
        let text = try String(contentsOfFile: south.cli.configPath, encoding: .utf8)
            .replacingOccurrences(of: SiteProcess.secret("north", "south"), with: "a-secret-north-never-had")
        try south.cli.writeConfig(text)
        try north.start()
        try north.addAppointment(patient: "p1")
        try south.addAppointment(patient: "p2")
        let northBefore = try north.state()
        let southBefore = try south.state()
        let refused = try south.syncNow()
        #expect(refused.status == 69, "\(refused.peers)")
        let error = try #require(refused.peers.first?.error)
        #expect(error.contains("unauthenticated_peer") && error.contains("south"), "\(error)")
        #expect(north.log().contains("unauthenticated_peer") && !north.log().contains("a-secret-north-never-had"), "\(north.log())")
        // The other way: north presents the right secret, which south does not hold.
        try south.start()
        let other = try north.syncNow()
        let otherError = try #require(other.peers.first?.error)
        #expect(other.status == 69 && otherError.contains("unauthenticated_peer") && otherError.contains("north"), "\(otherError)")
        #expect(south.stop() == 0)
        #expect(try north.state() == northBefore)
        #expect(try south.state() == southBefore)

        try south.configure(peers: [north])
        let synced = try south.syncNow()
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try north.state() == south.state())
    }
}
