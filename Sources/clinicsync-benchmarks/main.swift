import ClinicSyncCore
import ClinicSyncStore
import Foundation
import GRDB

// Throughput of the store: local writes with change capture against the same writes to an
// uncaptured copy of the table, and applying remote changes. Run with
// `swift run -c release clinicsync-benchmarks [rows]`; numbers go to stdout, one line each.

let rowCount = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
let directory = NSTemporaryDirectory() + "clinicsync-bench-" + UUID().uuidString.lowercased()
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func measure(_ label: String, operations: Int, unit: String, _ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(operations) / seconds
    let padded = label.padding(toLength: 52, withPad: " ", startingAt: 0)
    print(padded + String(format: " %8d %@ in %7.3f s = %9.0f %@/s", operations, unit, seconds, rate, unit))
    return rate
}

func appointment(_ index: Int) -> Appointment {
    Appointment(
        id: try! RowID(UUID().uuidString), patientID: "p\(index % 500)", patientName: "Patient \(index % 500)",
        therapist: "Therapist \(index % 7)", site: "downtown",
        startsAt: UTCDateTime(secondsSinceEpoch: 1_795_000_000 + index * 900), minutes: 60, prescriptionID: nil,
        notes: index % 3 == 0 ? "note \(index)" : nil)
}

let north = try SiteStore.initialize(path: directory + "/north.sqlite", siteID: try SiteID("north")).store
let south = try SiteStore.initialize(path: directory + "/south.sqlite", siteID: try SiteID("south")).store

// 1. One CLI-style write per transaction, through the store API (validate, insert, capture, stamp).
let singleCount = min(rowCount, 2_000)
_ = try measure("store.addAppointment, one transaction each", operations: singleCount, unit: "rows") {
    for index in 0..<singleCount { try north.addAppointment(appointment(index)) }
}

// 2. Bulk inserts in one transaction: captured table (+ stamping) against an uncaptured copy.
let raw = try DatabaseQueue(path: directory + "/north.sqlite")
try raw.write { db in
    try db.execute(sql: "CREATE TABLE appointments_uncaptured AS SELECT * FROM appointments WHERE 0")
}
let insertSQL = """
    INSERT INTO %@ (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status, notes)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?)
    """
func bulkInsert(into table: String) throws {
    try raw.write { db in
        let statement = try db.makeStatement(sql: String(format: insertSQL, table))
        for index in 0..<rowCount {
            let row = appointment(index)
            try statement.execute(arguments: [
                row.id.rawValue, row.patientID, row.patientName, row.therapist, row.site, row.startsAt.description,
                row.minutes, row.units, row.notes,
            ])
        }
    }
}
let uncaptured = try measure("bulk insert, uncaptured table", operations: rowCount, unit: "rows") {
    try bulkInsert(into: "appointments_uncaptured")
}
let captured = try measure("bulk insert, captured table (stamped as written)", operations: rowCount, unit: "rows") {
    try bulkInsert(into: "appointments")
}
print(String(format: "captured bulk inserts: %.0f rows/s, %.1fx the uncaptured time", captured, uncaptured / captured))

// 3. Applying remote changes: everything north logged, to south, in batches of 1,000.
let changes = try north.changes()
_ = try measure("apply remote changes, batches of 1000", operations: changes.count, unit: "changes") {
    var start = 0
    while start < changes.count {
        let end = min(changes.count, start + 1000)
        try south.apply(Array(changes[start..<end]))
        start = end
    }
}
_ = try measure("re-apply the same changes (all duplicates)", operations: changes.count, unit: "changes") {
    var start = 0
    while start < changes.count {
        let end = min(changes.count, start + 1000)
        try south.apply(Array(changes[start..<end]))
        start = end
    }
}
let converged = try north.canonicalDump() == south.canonicalDump()
precondition(converged, "benchmark sites diverged")
print("sites converged: \(converged)")
