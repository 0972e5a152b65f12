/// Why a batch's changes of one origin cannot be verified as written by that origin. Any refusal
/// refuses the whole request: nothing of the batch is applied. The message names the origin and
/// numbers, never a value.
package struct ChainRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The machine-readable reason, also the peer protocol's error code.
    package enum Code: String, Hashable, Sendable, CaseIterable {
        /// A change or proof of a site that the `fleet` configuration does not list.
        case unknownOrigin = "unknown_origin"
        /// A proof that is not well formed (sizes, order, numbers, a leaf missing or extra).
        case malformedProof = "malformed_proof"
        /// A change that no group signed by its origin covers.
        case unsignedChange = "unsigned_change"
        /// A group that no key the fleet pins for its origin has signed.
        case badSignature = "bad_signature"
        /// Changes or leaves that do not give the root their origin signed (altered, forged, reordered).
        case chainMismatch = "chain_mismatch"
        /// A group that does not follow the last one this site holds of its origin.
        case chainGap = "chain_gap"
        /// A second, validly signed history of the origin: other content for numbers held here.
        case conflictingChange = "conflicting_change"
    }

    package let code: Code
    /// The origin whose changes were refused.
    package let origin: SiteID
    /// What is wrong, for a person.
    package let reason: String

    package init(_ code: Code, origin: SiteID, _ reason: String) {
        self.code = code
        self.origin = origin
        self.reason = reason
    }

    package var description: String { "changes of site '\(origin)' cannot be verified (\(code.rawValue)): \(reason)" }
}
