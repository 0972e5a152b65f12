package import ClinicSyncCore
import Foundation

/// An origin's proof in a pull answer or a push (`proofs`, by origin site id): its public keys and
/// the groups its changes in the batch lie in, binary fields in base64 (see docs/protocol.md).
package struct WireProof: Codable, Sendable {
    /// DER SubjectPublicKeyInfo of each key the sender knows the origin by.
    package var keys: [String]
    package var groups: [Group]

    /// A group header, and the leaves of the numbers the batch does not carry, by number.
    package struct Group: Codable, Sendable {
        package var genesis: Int64
        package var previous: Int64
        package var first: Int64
        package var last: Int64
        package var root: String
        package var sig: String
        package var leaves: [String: String]?
    }

    /// The most keys and groups one origin's proof may carry.
    package static let maximumKeys = 8
    package static let maximumGroups = 20_000

    /// A proof beyond these bounds is malformed (400), not a batch too large: no honest sender makes one.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            keys = try container.decodeList(String.self, forKey: .keys, atMost: Self.maximumKeys)
            groups = try container.decodeList(Group.self, forKey: .groups, atMost: Self.maximumGroups)
        } catch let tooLong as ListTooLong {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: "a proof's \(tooLong)"))
        }
    }

    package init(keys: [String], groups: [Group]) {
        self.keys = keys
        self.groups = groups
    }
}

extension OriginProof {
    /// The wire form.
    package var wire: WireProof {
        WireProof(
            keys: publicKeys.map { Data($0).base64EncodedString() },
            groups: groups.map { item in
                let header = item.header
                return WireProof.Group(
                    genesis: header.genesis, previous: header.previous, first: header.first, last: header.last,
                    root: Data(header.root).base64EncodedString(), sig: Data(header.signature).base64EncodedString(),
                    leaves: item.leaves.isEmpty
                        ? nil : Dictionary(uniqueKeysWithValues: item.leaves.map { (String($0.key), Data($0.value).base64EncodedString()) }))
            })
    }

    /// Reads `origin`'s proof from the wire; what cannot be read refuses the batch (`malformed_proof`).
    package init(wire: WireProof, origin: SiteID) throws(ChainRefusal) {
        func bytes(_ text: String, _ what: String) throws(ChainRefusal) -> [UInt8] {
            guard let data = Data(base64Encoded: text) else { throw ChainRefusal(.malformedProof, origin: origin, "\(what) is not base64") }
            return Array(data)
        }
        var groups: [Group] = []
        for item in wire.groups {
            var leaves: [Int64: [UInt8]] = [:]
            guard (item.leaves?.count ?? 0) <= Int(SealedGroup.maximumChanges) else {
                throw ChainRefusal(
                    .malformedProof, origin: origin, "group #\(item.first)...\(item.last) carries more than \(SealedGroup.maximumChanges) leaves")
            }
            for (number, leaf) in item.leaves ?? [:] {
                guard let sequence = Int64(number) else {
                    throw ChainRefusal(.malformedProof, origin: origin, "leaf number '\(number)' is not a number")
                }
                leaves[sequence] = try bytes(leaf, "the leaf of #\(sequence)")
            }
            let header = SealedGroup(
                origin: origin, genesis: item.genesis, previous: item.previous, first: item.first, last: item.last,
                root: try bytes(item.root, "a root"), signature: try bytes(item.sig, "a signature"))
            if let problem = header.shapeProblem { throw ChainRefusal(.malformedProof, origin: origin, problem) }
            groups.append(Group(header: header, leaves: leaves))
        }
        var keys: [[UInt8]] = []
        for key in wire.keys { keys.append(try bytes(key, "a public key")) }
        self.init(publicKeys: keys, groups: groups)
    }
}
