/// The site's identity as `clinicsync identity show` prints it.
package struct IdentityView: Codable, Sendable, Equatable {
    package var fingerprint: String
    package var certificate: String
    package var privateKey: String
    /// This database's incarnation, or `unknown` when the database cannot be read.
    package var incarnation: String

    enum CodingKeys: String, CodingKey {
        case fingerprint, certificate, incarnation
        case privateKey = "private_key"
    }
}

/// What `clinicsync identity rotate` did, and what peers add to their configuration.
package struct KeyRotationResult: Codable, Sendable, Equatable {
    package var fingerprint: String
    package var previousFingerprint: String
    /// The `previous:` entry for this site under `fleet`, at every site.
    package var previous: String

    enum CodingKeys: String, CodingKey {
        case fingerprint, previous
        case previousFingerprint = "previous_fingerprint"
    }
}
