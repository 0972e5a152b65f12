import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Synchronization

/// A wall clock the test moves by hand.
final class ManualWallClock: WallClock {
    private let milliseconds: Mutex<UInt64>

    init(_ start: UInt64 = 1_790_000_000_000) {
        milliseconds = Mutex(start)
    }

    func nowMilliseconds() -> UInt64 { milliseconds.withLock { $0 } }

    func set(_ value: UInt64) { milliseconds.withLock { $0 = value } }

    func advance(by delta: UInt64) { milliseconds.withLock { $0 += delta } }
}

/// A directory under /tmp removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "clinicsync-test-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum Fixtures {
    static func site(_ name: String) -> SiteID { try! SiteID(name) }

    /// Sites "a" and "b" on the system clock (a restored store is opened with it), and their fleet.
    static func restorablePair(in directory: TemporaryDirectory) throws -> (SiteStore, SiteStore, TestFleet) {
        let a = try SiteStore.initialize(path: directory.file("a.sqlite"), siteID: site("a")).store
        let b = try SiteStore.initialize(path: directory.file("b.sqlite"), siteID: site("b")).store
        return (a, b, TestFleet([a.siteID, b.siteID]))
    }

    static func store(_ name: String, in directory: TemporaryDirectory, clock: ManualWallClock = ManualWallClock()) throws -> SiteStore {
        try SiteStore.initialize(path: directory.file("\(name).sqlite"), siteID: site(name), wallClock: clock).store
    }

    static func prescription(id: RowID = RowID.random(), patient: String = "p1") -> Prescription {
        Prescription(
            id: id, patientID: patient, patientName: "Patient \(patient)", prescriber: "Dr Who",
            prescriberNPI: try! NPI("1234567893"), diagnosis: "Lumbago", icd10Codes: [try! ICD10Code("M54.50")],
            visitsAuthorized: 10, unitsPerVisit: 4, issuedOn: try! CalendarDate("2026-11-01", field: "issued_on"),
            expiresOn: try! CalendarDate("2027-05-01", field: "expires_on"), payer: "Aetna", memberID: "W1")
    }

    static func appointment(id: RowID = RowID.random(), patient: String = "p1", prescription: RowID? = nil) -> Appointment {
        Appointment(
            id: id, patientID: patient, patientName: "Patient \(patient)", therapist: "Sam", site: "downtown",
            startsAt: try! UTCDateTime("2026-12-01T15:00:00Z", field: "starts_at"), minutes: 60,
            prescriptionID: prescription)
    }

    /// A check with every optional field set, so that all 21 columns travel.
    static func coverageCheck(id: RowID = RowID.random(), patient: String = "p1", checkedOn: String = "2026-11-02") -> CoverageCheck {
        var check = CoverageCheck(
            id: id, patientID: patient, payer: "Aetna", memberID: "W1", checkedOn: try! CalendarDate(checkedOn, field: "checked_on"),
            checkedBy: "Front Desk", site: site("downtown"), covered: true, requiresPrescription: true)
        check.referenceNumber = "REF-7"
        check.repName = "Rep"
        check.qualifyingICD10 = [try! ICD10Code("M54.50"), try! ICD10Code("M79.1")]
        check.visitLimit = 12
        check.visitLimitPeriod = .authorization
        check.planYearStart = try! PlanYearStart("07-01")
        check.unitsPerVisitLimit = 4
        check.authorizationNumber = "AUTH-1"
        check.validFrom = try! CalendarDate("2026-11-01", field: "valid_from")
        check.validUntil = try! CalendarDate("2027-10-31", field: "valid_until")
        check.inNetworkSites = [site("downtown"), site("uptown")]
        check.notes = "called twice"
        check.requiresLMN = true
        return check
    }

    /// Sends every change `source` holds and `target` lacks in one batch, sealed and verified (the
    /// fleet: the two sites and every origin `source` holds).
    @discardableResult
    static func deliverAll(from source: SiteStore, to target: SiteStore) throws -> ApplyOutcome {
        let origins = Array(try source.versionVector().sequences.keys)
        return try TestFleet(Array(Set(origins + [source.siteID, target.siteID]))).deliver(from: source, to: target)
    }
}

extension RowID {
    static func random() -> RowID { try! RowID(UUID().uuidString) }
}

/// Runs `sqlite3` on a database file, as a clinic's other software might.
@discardableResult
func sqlite3(_ path: String, _ sql: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-bail", path, sql]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
