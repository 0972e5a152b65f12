import ClinicSyncStore

/// Why a command failed, classified for the caller (the CLI turns each kind into an exit status):
/// the one error type the application layer throws, so no store, configuration or daemon error
/// crosses it.
package struct ApplicationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure, so the caller can act on it without reading the message.
    package enum Kind: Sendable, Equatable {
        /// Anything else (an I/O problem, a failed sync round's own error).
        case failure
        /// The request itself was wrong: an unknown peer, no peers to sync with.
        case usage
        /// A record, or a value given for one, breaks a rule.
        case invalidData
        /// No record (or no deleted row, no identity conflict) with the id given.
        case notFound
        /// A sync round ran, and at least one peer could not be synced.
        case peersFailed
        /// The site's clock runs ahead: recover it, or wait.
        case clockAhead
        /// The configuration, the database's initialisation or the site's identity is not usable.
        case configuration
    }

    package let kind: Kind
    /// What went wrong and what to do, naming ids, tables, fields and keys, never patient data.
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}

extension ApplicationError {
    init(_ error: ConfigError) {
        self.init(.configuration, error.description)
    }

    init(_ error: StoreError) {
        switch error {
        case .invalid, .storedRowUnreadable, .alreadyExists, .rowDeleted, .stillReferenced, .removedRowIncomplete, .alreadyRestored,
            .notRestorable, .bookingRaisesAlerts, .accountExists:
            self.init(.invalidData, error.description)
        case .notFound, .notDeleted, .noSuchAccount:
            self.init(.notFound, error.description)
        case .clockAhead, .clockRecoveryInterleaved, .clockRecoveryHeldElsewhere, .clockRecoveryIneffective, .clockRecoveryDuringRestore,
            .backupHoldsFastChanges:
            self.init(.clockAhead, error.description)
        case .notInitialized, .siteMismatch, .backupHoldsUnstampedWrites:
            self.init(.configuration, error.description)
        default:
            self.init(.failure, error.description)
        }
    }

    init(_ error: DaemonError) {
        switch error {
        case .unknownPeer, .noPeers:
            self.init(.usage, error.description)
        default:
            self.init(.failure, error.description)
        }
    }

    /// `error` as the application reports it: classified when it is one of the layers' own errors.
    init(classifying error: any Error) {
        switch error {
        case let known as ApplicationError: self = known
        case let known as StoreError: self.init(known)
        case let known as ConfigError: self.init(known)
        case let known as DaemonError: self.init(known)
        default: self.init(.failure, String(describing: error))
        }
    }
}

/// Runs `body`, reporting any error it throws as an ``ApplicationError``.
func classifyingErrors<T>(_ body: () throws -> T) throws(ApplicationError) -> T {
    do { return try body() } catch { throw ApplicationError(classifying: error) }
}

/// The async form of ``classifyingErrors(_:)``.
func classifyingErrors<T>(_ body: () async throws -> T) async throws(ApplicationError) -> T {
    do { return try await body() } catch { throw ApplicationError(classifying: error) }
}
