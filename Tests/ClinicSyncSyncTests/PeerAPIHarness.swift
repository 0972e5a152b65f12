import ClinicSyncCore
import ClinicSyncSync
import ClinicSyncTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The real peer API over a memory feed, as a Hummingbird application: over plain HTTP with a
/// shared secret, to the sites named (each with its secret).
enum PeerAPIHarness {
    static func application(
        serving feed: MemoryChangeFeed, to peers: [String], bodyDeadline: Duration = .seconds(10),
        served: @escaping @Sendable (SiteID) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var credentials: [SiteID: PeerCredentials] = [:]
        for peer in peers {
            credentials[try SiteID(peer)] = PeerCredentials(
                fingerprint: nil, secret: try PeerSecret(SiteConfigurationFile.secret(feed.siteID.rawValue, peer)))
        }
        let router = Router(context: PeerRequestContext.self)
        var logger = Logger(label: "peer-api-test")
        logger.logLevel = .critical
        PeerAPI(
            feed: feed, peers: PeerDirectory(credentials), transport: .plaintext, limits: PeerRequestLimits(bodyDeadline: bodyDeadline),
            logger: logger, served: served
        )
        .addRoutes(to: router)
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }

    /// The headers of a well-formed request from `sender` to `target`.
    static func headers(from sender: String, to target: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("ClinicSync-Protocol")!] = String(WireProtocol.version)
        fields[HTTPField.Name("ClinicSync-Schema")!] = WireProtocol.schemaVersion
        fields[HTTPField.Name("ClinicSync-Site")!] = sender
        fields[.contentType] = "application/json"
        fields[.authorization] = "Bearer " + SiteConfigurationFile.secret(target, sender)
        return fields
    }
}
