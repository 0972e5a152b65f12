import ClinicSyncCore

/// Version 3 of the peer protocol: JSON over HTTP, under the path prefix `/v3`. Version 3 added
/// the proofs that each change was written by its origin (docs/design/authenticated-origins.md).
///
/// Every request carries three headers that the receiver checks before reading the body:
/// ``protocolHeader`` (this protocol's version), ``schemaHeader`` (the version of the synchronised
/// tables' shape, ``SyncedTable/schemaVersion``, independent of local migrations) and ``siteHeader``
/// (the sender's site id). The endpoints are documented in `docs/protocol.md`.
package enum WireProtocol {
    /// The protocol version this build speaks.
    package static let version = 3
    /// The path prefix of this version's endpoints.
    package static let pathPrefix = "/v\(version)"
    /// The synchronised tables' shape this build sends and expects.
    package static var schemaVersion: String { String(SyncedTable.schemaVersion) }
    /// Header carrying the protocol version.
    package static let protocolHeader = "ClinicSync-Protocol"
    /// Header carrying the schema version.
    package static let schemaHeader = "ClinicSync-Schema"
    /// Header carrying the sender's site id.
    package static let siteHeader = "ClinicSync-Site"

    /// The largest request or response body accepted, compressed or not (16 MiB).
    package static let maximumBodyBytes = 16 * 1024 * 1024
    /// The most changes one batch may carry.
    package static let maximumBatchChanges = 10_000
    /// The most fleet reports one message may carry (one per site of the fleet).
    package static let maximumFleetSites = FleetView.maximumSites
}
