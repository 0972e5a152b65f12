import ClinicSyncCore
import Foundation
import NIOCore

/// The parts of a pull answer or push body that carry a batch: its changes within a byte budget,
/// and the `through` and `proofs` of what was kept.
enum BatchBody {
    /// A pull answer: as many changes of `batch` as fit `budget`, and whether more are waiting.
    static func encodePullResponse(_ batch: ChangeBatch, budget: Int) throws -> (sent: ChangeBatch, body: ByteBuffer) {
        try encode(batch, budget: budget) { sent in [("more", try JSONEncoder().encode(!sent.isComplete))] }
    }

    /// A push body: as many changes of `batch` as fit `budget`, and the sender's `report`.
    static func encodePushRequest(_ batch: ChangeBatch, budget: Int, report: FleetReport) throws -> (sent: ChangeBatch, body: ByteBuffer) {
        try encode(batch, budget: budget) { _ in [("report", try JSONEncoder().encode(report.wire))] }
    }

    /// As many changes of `batch` as fit `budget` bytes of JSON (at least one), cut where
    /// ``ChangeBatch/prefix(_:)`` allows (at the end of a group), as one JSON object:
    /// `{"changes":[...],"through":{...},"proofs":{...}` and the `trailing` members of what was sent.
    /// The object is assembled here, from each change encoded once, because the budget counts
    /// each change's encoded bytes; this is the only place a body is assembled by hand.
    private static func encode(
        _ batch: ChangeBatch, budget: Int, trailing: (ChangeBatch) throws -> [(String, Data)]
    ) throws -> (sent: ChangeBatch, body: ByteBuffer) {
        let encoder = JSONEncoder()
        var encoded: [Data] = []
        var bytes = 0
        for change in batch.changes {
            let data = try encoder.encode(WireChange(change))
            if !encoded.isEmpty, bytes + data.count > budget { break }
            encoded.append(data)
            bytes += data.count + 1
        }
        let sent = batch.prefix(encoded.count)
        while encoded.count < sent.changes.count { encoded.append(try encoder.encode(WireChange(sent.changes[encoded.count]))) }
        var buffer = ByteBuffer(string: "{\"changes\":[")
        for (index, data) in encoded.prefix(sent.changes.count).enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeBytes(data)
        }
        buffer.writeString("],\"through\":")
        buffer.writeBytes(try encoder.encode(sent.through.wire))
        buffer.writeString(",\"proofs\":")
        buffer.writeBytes(try encoder.encode(Dictionary(uniqueKeysWithValues: sent.proofs.map { ($0.key.rawValue, $0.value.wire) })))
        for (key, value) in try trailing(sent) {
            buffer.writeBytes(try encoder.encode(key).prefixed(by: ","))
            buffer.writeString(":")
            buffer.writeBytes(value)
        }
        buffer.writeString("}")
        return (sent, buffer)
    }

    /// Reads the changes, `through` and proofs of a received batch; `refuse` turns a problem with a
    /// change or `through` into the caller's error (a proof that cannot be read is a ``ChainRefusal``).
    static func decode(
        changes wireChanges: [WireChange], through wireThrough: [String: Int64], proofs wireProofs: [String: WireProof],
        refuse: (String) -> any Error
    ) throws -> ChangeBatch {
        var changes: [Change] = []
        changes.reserveCapacity(wireChanges.count)
        for (index, wire) in wireChanges.enumerated() {
            do { changes.append(try wire.change()) } catch { throw refuse("change #\(index): \(error.description)") }
        }
        let through: VersionVector
        do { through = try VersionVector(wire: wireThrough) } catch { throw refuse("through: \(error.rule)") }
        var proofs: [SiteID: OriginProof] = [:]
        for (name, wire) in wireProofs {
            guard let origin = try? SiteID(name) else { throw refuse("proofs: '\(name)' is not a site id") }
            proofs[origin] = try OriginProof(wire: wire, origin: origin)
        }
        return ChangeBatch(changes: changes, through: through, proofs: proofs)
    }
}

extension ChainRefusal.Code {
    /// The HTTP status a refused push gets.
    var status: Int {
        switch self {
        case .unknownOrigin: 403
        case .malformedProof: 400
        case .conflictingChange: 409
        case .unsignedChange, .badSignature, .chainMismatch, .chainGap: 422
        }
    }
}

extension Data {
    fileprivate func prefixed(by text: String) -> Data { Data(text.utf8) + self }
}
