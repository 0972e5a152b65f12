/// The JSON bodies of the peer protocol. Field names are part of the protocol: change them only
/// with a new protocol version.
public enum WireMessage {
    /// `POST /v1/hello` response: who the peer is and what it holds.
    public struct Hello: Codable, Sendable {
        public var site: String
        public var protocol_version: Int
        public var schema_version: String
        /// Greatest timestamp held per origin site.
        public var vector: [String: Int64]
        /// Body encodings the peer accepts for pushes (`gzip`).
        public var accept_encoding: [String]
    }

    /// `POST /v1/pull` request: send me what I lack.
    public struct PullRequest: Codable, Sendable {
        public var vector: [String: Int64]
        public var limit: Int
        public var max_bytes: Int
    }

    /// `POST /v1/pull` response: a bounded batch, and whether more is waiting.
    public struct PullResponse: Codable, Sendable {
        public var changes: [WireChange]
        public var more: Bool
    }

    /// `POST /v1/push` request: changes the receiver lacks.
    public struct PushRequest: Codable, Sendable {
        public var changes: [WireChange]
    }

    /// `POST /v1/push` response: what was merged, and what the receiver now holds.
    public struct PushResponse: Codable, Sendable {
        public var applied: Int
        public var duplicates: Int
        public var conflicts: Int
        public var vector: [String: Int64]
    }

    /// Any 4xx or 5xx answer.
    public struct Failure: Codable, Sendable {
        /// A stable machine-readable code, e.g. `schema_mismatch`.
        public var code: String
        /// What is wrong, for a person; never patient data.
        public var error: String
    }
}
