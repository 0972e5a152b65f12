import ClinicSyncCore
import ClinicSyncStore
import Foundation
import GRDB

/// Capture overhead: the same statements against the captured `appointments` table of a site and
/// against an identical table (same columns, primary key, indexes and checks) without triggers.
struct CaptureBenchmark {
    let directory: String
    let rows: Int

    /// The DDL of the plain twin; kept equal to the store's `appointments` (checked below).
    static let plainTable = """
        CREATE TABLE appointments (
            id TEXT PRIMARY KEY NOT NULL, patient_id TEXT, patient_name TEXT, therapist TEXT, site TEXT, starts_at TEXT,
            minutes INTEGER, units INTEGER,
            status TEXT CHECK (status IS NULL OR status IN ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show')),
            prescription_id TEXT, notes TEXT, body_region TEXT
        ) STRICT;
        CREATE INDEX appointments_by_patient ON appointments (patient_id);
        CREATE INDEX appointments_by_prescription ON appointments (prescription_id);
        """

    static let insertSQL = """
        INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status, notes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?)
        """

    static func arguments(_ index: Int, id: String) -> StatementArguments {
        [
            id, "p\(index % 500)", "Patient \(index % 500)", "Therapist \(index % 7)", "downtown",
            UTCDateTime(secondsSinceEpoch: 1_795_000_000 + index * 900).description, 60, 4, index % 3 == 0 ? "note \(index)" : nil,
        ]
    }

    /// One kind of write: the last round's rates against plain SQLite, and the median time ratio of the rounds.
    private func report(_ kind: String, _ title: String, seconds: (captured: Double, plain: Double), ratios: [Double]) {
        Measurement.report(
            "\(title), 1,000 per transaction (rows/s)", value: Double(rows) / seconds.captured, baseline: Double(rows) / seconds.plain,
            unit: "", target: "time ratio <= 1.5")
        Measurement.note(
            "  capture time ratio, \(kind) (median of 3)",
            String(
                format: "%.2fx  (runs: %@)", Measurement.median(ratios), ratios.map { String(format: "%.2f", $0) }.joined(separator: ", ")))
    }

    func run() throws {
        var insertRatios: [Double] = []
        var updateRatios: [Double] = []
        var captured: (Double, Double) = (0, 0)
        var plain: (Double, Double) = (0, 0)
        for round in 0..<3 {
            let site = try SiteStore.initialize(path: "\(directory)/capture-\(round).sqlite", siteID: try SiteID("north")).store
            let capturedQueue = try Self.queue("\(directory)/capture-\(round).sqlite")
            let plainQueue = try Self.queue("\(directory)/plain-\(round).sqlite")
            try plainQueue.write { try $0.execute(sql: Self.plainTable) }
            let ids = (0..<rows).map { _ in UUID().uuidString.lowercased() }
            // Alternate which goes first, so neither always meets a warmer cache.
            let order = round % 2 == 0 ? [plainQueue, capturedQueue] : [capturedQueue, plainQueue]
            var inserts: [ObjectIdentifier: Double] = [:]
            var updates: [ObjectIdentifier: Double] = [:]
            for queue in order { inserts[ObjectIdentifier(queue)] = try insertAll(ids, into: queue) }
            for queue in order { updates[ObjectIdentifier(queue)] = try updateAll(ids, in: queue) }
            let capturedTimes = (inserts[ObjectIdentifier(capturedQueue)]!, updates[ObjectIdentifier(capturedQueue)]!)
            let plainTimes = (inserts[ObjectIdentifier(plainQueue)]!, updates[ObjectIdentifier(plainQueue)]!)
            insertRatios.append(capturedTimes.0 / plainTimes.0)
            updateRatios.append(capturedTimes.1 / plainTimes.1)
            (captured, plain) = (capturedTimes, plainTimes)
            let entries = try site.changeLogCount()
            precondition(entries == 2 * rows, "every insert and update is one change-log entry")
        }
        report("inserts", "captured inserts", seconds: (captured.0, plain.0), ratios: insertRatios)
        report("updates", "captured single-field updates", seconds: (captured.1, plain.1), ratios: updateRatios)
        try interactiveLatency()
    }

    static func queue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private func insertAll(_ ids: [String], into queue: DatabaseQueue) throws -> Double {
        try Measurement.seconds {
            for start in stride(from: 0, to: ids.count, by: 1000) {
                try queue.write { db in
                    let statement = try db.cachedStatement(sql: Self.insertSQL)
                    for index in start..<min(ids.count, start + 1000) {
                        try statement.execute(arguments: Self.arguments(index, id: ids[index]))
                    }
                }
            }
        }
    }

    private func updateAll(_ ids: [String], in queue: DatabaseQueue) throws -> Double {
        try Measurement.seconds {
            for start in stride(from: 0, to: ids.count, by: 1000) {
                try queue.write { db in
                    let statement = try db.cachedStatement(sql: "UPDATE appointments SET therapist = ? WHERE id = ?")
                    for index in start..<min(ids.count, start + 1000) {
                        try statement.execute(arguments: ["Kim \(index)", ids[index]])
                    }
                }
            }
        }
    }

    /// A clinic's interactive write: one row, one transaction, committed to disk (synchronous=FULL).
    private func interactiveLatency() throws {
        let count = 1000
        var latencies: [String: [Double]] = [:]
        _ = try SiteStore.initialize(path: "\(directory)/interactive.sqlite", siteID: try SiteID("north"))
        let captured = try Self.queue("\(directory)/interactive.sqlite")
        let plain = try Self.queue("\(directory)/interactive-plain.sqlite")
        try plain.write { try $0.execute(sql: Self.plainTable) }
        for queue in [captured, plain] { try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") } }
        for index in 0..<count {
            // Interleaved, so both see the same disk and the same noise.
            for (name, queue) in [("captured", captured), ("plain", plain)] {
                let id = UUID().uuidString.lowercased()
                latencies[name, default: []].append(
                    try Measurement.seconds {
                        try queue.write { db in try db.execute(sql: Self.insertSQL, arguments: Self.arguments(index, id: id)) }
                    } * 1000)
            }
        }
        for fraction in [0.5, 0.99] {
            Measurement.report(
                "single-row write p\(Int(fraction * 100)) latency (ms)",
                value: Measurement.percentile(latencies["captured"]!, fraction),
                baseline: Measurement.percentile(latencies["plain"]!, fraction), unit: "ms",
                target: fraction == 0.99 ? "ratio <= 1.10" : "-")
        }
    }
}
