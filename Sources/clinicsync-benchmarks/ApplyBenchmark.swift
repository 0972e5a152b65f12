import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation
import GRDB

/// Applying remote changes into a store that holds `rows` appointments: new rows, winning and
/// losing updates, deletes and conflicts, against raw SQLite upserts of the same values.
struct ApplyBenchmark {
    let directory: String
    let rows: Int

    func run() throws {
        let north = try SiteStore.initialize(path: "\(directory)/apply-north.sqlite", siteID: try SiteID("north")).store
        let south = try SiteStore.initialize(path: "\(directory)/apply-south.sqlite", siteID: try SiteID("south")).store
        let northQueue = try CaptureBenchmark.queue(north.path)
        let ids = (0..<rows).map { _ in UUID().uuidString.lowercased() }
        try northQueue.write { db in
            let statement = try db.cachedStatement(sql: CaptureBenchmark.insertSQL)
            for (index, id) in ids.enumerated() { try statement.execute(arguments: CaptureBenchmark.arguments(index, id: id)) }
        }
        var sealed = 0
        let sealSeconds = try Measurement.seconds { sealed = try north.seal(using: sealer) }
        Measurement.note("seal: \(sealed) changes", String(format: "%.0f changes/s (%.2f s)", Double(sealed) / sealSeconds, sealSeconds))
        let initial = try batches(from: north, to: south)
        let verifySeconds = try Measurement.seconds { try verifyOnly(initial) }
        let unverified = try SiteStore.initialize(path: "\(directory)/apply-unverified.sqlite", siteID: try SiteID("south")).store
        let unverifiedSeconds = try Measurement.seconds {
            for batch in initial { try unverified.apply(batch.changes, through: batch.through) }
        }
        let initialSeconds = try Measurement.seconds { try applyAll(initial, to: south) }
        let initialChanges = initial.flatMap(\.changes)
        let initialFields = initialChanges.reduce(0) { $0 + $1.values.count }
        Measurement.note(
            "apply: \(rows) new rows into an empty store",
            String(
                format: "%.0f field changes/s (%d changes, %.2f s)",
                Double(initialFields) / initialSeconds, initialChanges.count, initialSeconds))
        Measurement.note(
            "  of which verifying the proofs alone",
            String(
                format: "%.2f s (%.1f µs per change)",
                verifySeconds, verifySeconds * 1e6 / Double(initialChanges.count)))
        Measurement.note(
            "  the same batches applied unverified",
            String(
                format: "%.0f field changes/s (%.2f s)",
                Double(initialFields) / unverifiedSeconds, unverifiedSeconds))

        // The mixed stream: north updates 30% of the rows, south then updates a third of those
        // (later, so north's lose and are journaled), north books 20% new rows and deletes 5%.
        let southQueue = try CaptureBenchmark.queue(south.path)
        let plainPath = "\(directory)/apply-plain.sqlite"
        try southQueue.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [plainPath])
        }
        try northQueue.write { db in
            for index in 0..<(rows * 3 / 10) {
                try db.execute(sql: "UPDATE appointments SET therapist = ?, minutes = 45 WHERE id = ?", arguments: ["North \(index)", ids[index]])
            }
            let insert = try db.cachedStatement(sql: CaptureBenchmark.insertSQL)
            for index in 0..<(rows / 5) {
                try insert.execute(arguments: CaptureBenchmark.arguments(index, id: UUID().uuidString.lowercased()))
            }
            for index in (rows - rows / 20)..<rows { try db.execute(sql: "DELETE FROM appointments WHERE id = ?", arguments: [ids[index]]) }
        }
        // south's edits come after north's in time, so they win.
        try southQueue.write { db in
            for index in 0..<(rows / 10) {
                try db.execute(sql: "UPDATE appointments SET therapist = ? WHERE id = ?", arguments: ["South \(index)", ids[index]])
            }
        }
        try north.seal(using: sealer)
        let streamBatches = try batches(from: north, to: south)
        let stream = streamBatches.flatMap(\.changes)
        let fields = stream.reduce(0) { $0 + max(1, $1.values.count) }
        let conflictsBefore = try south.conflictCount()
        let applySeconds = try Measurement.seconds { try applyAll(streamBatches, to: south) }
        let conflicts = try south.conflictCount() - conflictsBefore
        let plain = try CaptureBenchmark.queue(plainPath)
        let rawSeconds = try Measurement.seconds { try upsertInBatches(stream, into: plain) }
        Measurement.report(
            "apply: mixed stream into \(rows) rows (field changes/s)", value: Double(fields) / applySeconds,
            baseline: Double(fields) / rawSeconds, unit: "", target: ">= 100,000/s and ratio >= 0.30")
        Measurement.note("  the mixed stream", "\(stream.count) changes, \(fields) field changes, \(conflicts) journal entries")
    }

    private var sealer: ChainSealer {
        ChainSealer(crypto: SiteChainCrypto(), signer: try! SiteKeySigner(rawRepresentation: SiteChainCrypto().sha256(Array("benchmark north".utf8))))
    }

    private var verifier: ChainVerifier {
        ChainVerifier(
            crypto: SiteChainCrypto(),
            fleet: FleetKeys([
                try! SiteID("north"): [
                    FleetKeys.Key(fingerprint: SiteChainCrypto().fingerprint(ofPublicKey: sealer.signer.publicKey))
                ]
            ]))
    }

    /// The batches of 1,000 changes a pulling `target` would get from `source`, with their proofs
    /// (cut here, outside the measurement, as the sender cuts them).
    private func batches(from source: SiteStore, to target: SiteStore) throws -> [ChangeBatch] {
        var vector = try target.versionVector()
        var batches: [ChangeBatch] = []
        while true {
            let batch = try source.changes(missingFrom: vector, limit: 1000)
            guard !batch.changes.isEmpty || !vector.dominates(batch.through) else { return batches }
            batches.append(batch)
            vector = vector.merged(with: batch.through)
            for change in batch.changes { vector.advance(change.origin, to: change.sequence) }
        }
    }

    private func applyAll(_ batches: [ChangeBatch], to store: SiteStore) throws {
        for batch in batches { try store.apply(batch.changes, through: batch.through, proofs: batch.proofs, verifier: verifier) }
    }

    /// The verification alone (hashing every change, checking every signature), without the store,
    /// for a receiver that holds nothing yet.
    private func verifyOnly(_ batches: [ChangeBatch]) throws {
        var state = OriginChainState()
        for batch in batches {
            let origin = try SiteID("north")
            let kept = try verifier.verify(
                origin: origin, changes: batch.changes, through: batch.through.sequences[origin], proof: batch.proofs[origin], state: state)
            for group in kept.groups {
                if group.header.isGenesis { state.genesis = group.header } else { state.groups = [group] }
                state.tip = group.header
            }
            state.knownKeys += kept.publicKeys
        }
    }

    /// The baseline: the same values written with plain upserts and deletes, 1,000 per transaction.
    private func upsertInBatches(_ changes: [Change], into queue: DatabaseQueue) throws {
        for start in stride(from: 0, to: changes.count, by: 1000) {
            try queue.write { db in
                for change in changes[start..<min(changes.count, start + 1000)] {
                    if change.isDelete {
                        try db.cachedStatement(sql: "DELETE FROM appointments WHERE id = ?").execute(arguments: [change.rowID.rawValue])
                        continue
                    }
                    let names = change.values.map(\.column.name)
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO appointments (id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))
                            ON CONFLICT (id) DO UPDATE SET \(names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                            """
                    ).execute(
                        arguments: StatementArguments(
                            [change.rowID.rawValue.databaseValue] + change.values.map { Self.databaseValue($0.value) }))
                }
            }
        }
    }

    static func databaseValue(_ value: FieldValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case let .integer(number): return number.databaseValue
        case let .text(text): return text.databaseValue
        }
    }
}
