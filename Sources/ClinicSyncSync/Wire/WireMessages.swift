/// The JSON bodies of the peer protocol. Field names are part of the protocol: change them only
/// with a new protocol version.
package enum WireMessage {
    /// `POST /v3/hello` response: who the peer is and what it holds.
    package struct Hello: Codable, Sendable {
        package var site: String
        package var protocol_version: Int
        package var schema_version: String
        /// Greatest timestamp held per origin site.
        package var vector: [String: Int64]
        /// Body encodings the peer accepts for pushes (`gzip`).
        package var accept_encoding: [String]
        /// What the peer knows of the fleet: its own report and the latest of every other site.
        package var fleet: [Report]
    }

    /// A site's report about itself (see `FleetReport`).
    package struct Report: Codable, Sendable {
        package var site: String
        package var vector: [String: Int64]
        package var peers: [String]
        package var at: Int64
        /// The site's drift bound in milliseconds; absent from sites that do not say.
        package var max_drift_ms: UInt64?
        /// The reporting database's incarnation; absent from sites that do not say.
        package var incarnation: String?
    }

    /// `POST /v3/pull` request: send me what I lack.
    package struct PullRequest: Codable, Sendable {
        package var vector: [String: Int64]
        /// What the caller knows of the fleet, its own report first: the callee learns from it what
        /// a peer that only calls out holds.
        package var fleet: [Report]
        package var limit: Int
        package var max_bytes: Int
    }

    /// `POST /v3/pull` response: a bounded batch, and whether more is waiting.
    package struct PullResponse: Codable, Sendable {
        package var changes: [WireChange]
        package var more: Bool
        /// Origins whose missing changes were all sent, with the sender's number for each.
        package var through: [String: Int64]
        /// For each origin of `changes` and `through`: the groups its origin signed them in.
        package var proofs: [String: WireProof]
    }

    /// `POST /v3/push` request: changes the receiver lacks.
    package struct PushRequest: Codable, Sendable {
        package var changes: [WireChange]
        /// Origins whose missing changes were all sent, with the sender's number for each.
        package var through: [String: Int64]
        /// For each origin of `changes` and `through`: the groups its origin signed them in.
        package var proofs: [String: WireProof]
        /// The sender's report about itself: what it holds now, received changes included.
        package var report: Report
    }

    /// `POST /v3/push` response: what was merged, and what the receiver now holds.
    package struct PushResponse: Codable, Sendable {
        package var applied: Int
        package var duplicates: Int
        package var conflicts: Int
        package var vector: [String: Int64]
        /// The receiver's report about itself after the push, so the pusher knows at once what it holds.
        package var report: Report
        /// Origins whose changes the receiver held back (the rest applied); absent when none.
        package var held: [Held]?
    }

    /// An origin whose changes a site holds back from `seq` on (see `HeldOrigin`): either
    /// `ahead_ms` and `bound_ms` (timestamped beyond the drift bound) or `invalid` (the rule broken).
    package struct Held: Codable, Sendable {
        package var origin: String
        package var seq: Int64
        package var ahead_ms: UInt64?
        package var bound_ms: UInt64?
        package var invalid: String?
    }

    /// Any 4xx or 5xx answer.
    package struct Failure: Codable, Sendable {
        /// A stable machine-readable code, e.g. `schema_mismatch`.
        package var code: String
        /// What is wrong, for a person; never patient data.
        package var error: String
    }
}

// Lists are decoded with a bound (see `KeyedDecodingContainer.decodeList`); these live here because
// the synthesised coding keys are visible only in this file.
extension WireMessage.PushRequest {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        changes = try container.decodeList(WireChange.self, forKey: .changes, atMost: WireProtocol.maximumBatchChanges)
        through = try container.decode([String: Int64].self, forKey: .through)
        proofs = try container.decode([String: WireProof].self, forKey: .proofs)
        report = try container.decode(WireMessage.Report.self, forKey: .report)
    }
}

extension WireMessage.PullResponse {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        changes = try container.decodeList(WireChange.self, forKey: .changes, atMost: WireProtocol.maximumBatchChanges)
        more = try container.decode(Bool.self, forKey: .more)
        through = try container.decode([String: Int64].self, forKey: .through)
        proofs = try container.decode([String: WireProof].self, forKey: .proofs)
    }
}

extension WireMessage.PullRequest {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vector = try container.decode([String: Int64].self, forKey: .vector)
        fleet = try container.decodeList(WireMessage.Report.self, forKey: .fleet, atMost: WireProtocol.maximumFleetSites)
        limit = try container.decode(Int.self, forKey: .limit)
        max_bytes = try container.decode(Int.self, forKey: .max_bytes)
    }
}

extension WireMessage.Hello {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        site = try container.decode(String.self, forKey: .site)
        protocol_version = try container.decode(Int.self, forKey: .protocol_version)
        schema_version = try container.decode(String.self, forKey: .schema_version)
        vector = try container.decode([String: Int64].self, forKey: .vector)
        accept_encoding = try container.decode([String].self, forKey: .accept_encoding)
        fleet = try container.decodeList(WireMessage.Report.self, forKey: .fleet, atMost: WireProtocol.maximumFleetSites)
    }
}
