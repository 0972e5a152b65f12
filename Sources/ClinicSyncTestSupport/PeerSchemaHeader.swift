import ClinicSyncCore

/// The table-schema header value a site of this build sends, for hand-made peer requests (a
/// literal would go stale at the next schema bump, and every such request would then be refused
/// for its schema instead of for what it tests).
package enum PeerSchemaHeader {
    package static let value = String(SyncedTable.schemaVersion)
}
