import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Databases written by the version-1 binary (`Tests/Fixtures/v1`, made with `clinicsync` at commit
/// c37a242): sites alpha and beta synced, edited the same appointment concurrently, deleted one;
/// beta then booked an appointment and checked another in without syncing, and another program
/// wrote a change at beta that no clinicsync command had stamped yet.
@Suite("Upgrading a version-1 store in place")
struct UpgradeTests {
    static func fixture(_ name: String, into directory: TemporaryDirectory) throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/v1/\(name).sqlite").path
        let copy = directory.file("\(name).sqlite")
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        return copy
    }

    static func scalar(_ path: String, _ sql: String) throws -> String {
        try sqlite3(path, sql).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("history, journal, vectors and acknowledgements survive; two upgraded sites exchange what was waiting")
    func upgradeKeepsEverything() throws {
        let directory = try TemporaryDirectory()
        let alphaPath = try Self.fixture("alpha", into: directory)
        let betaPath = try Self.fixture("beta", into: directory)
        let v1Entries = try ["alpha": alphaPath, "beta": betaPath].mapValues {
            Int(try Self.scalar($0, "SELECT COUNT(*) FROM change_log WHERE hlc IS NOT NULL")) ?? -1
        }
        let v1Pending = Int(try Self.scalar(betaPath, "SELECT COUNT(*) FROM change_log WHERE hlc IS NULL")) ?? -1
        let v1Conflicts = try Self.scalar(alphaPath, "SELECT COUNT(*) FROM conflicts")
        let v1Vector = try Self.scalar(alphaPath, "SELECT origin || '=' || hlc FROM version_vector ORDER BY origin")
        let v1Rows = try Self.scalar(alphaPath, "SELECT * FROM appointments ORDER BY id; SELECT * FROM prescriptions ORDER BY id;")
        #expect(v1Pending == 1 && v1Conflicts == "2")

        let alpha = try SiteStore.open(path: alphaPath, siteID: try SiteID("alpha"))
        let beta = try SiteStore.open(path: betaPath, siteID: try SiteID("beta"))
        let problems = try alpha.check() + beta.check()
        #expect(problems.isEmpty, "\(problems)")
        #expect(try alpha.changeLogCount() == v1Entries["alpha"])
        #expect(try beta.changeLogCount() == v1Entries["beta"]! + v1Pending)
        #expect(try Self.scalar(alphaPath, "SELECT * FROM appointments ORDER BY id; SELECT * FROM prescriptions ORDER BY id;") == v1Rows)
        #expect(try alpha.conflictCount() == 2)
        let expectedVector = v1Vector.split(separator: "\n").map { line -> String in
            let parts = line.split(separator: "=")
            return "\(parts[0])=\(Int64(parts[1])! - (1 << 62))"
        }.joined(separator: ",")
        #expect(try alpha.versionVector().text == expectedVector)
        #expect(try alpha.peerStates().first?.peerVector?.sequences.values.allSatisfy { $0 < 0 } == true)
        // The pending write became beta's first version-2 change.
        let pending = try #require(try beta.changes(origin: beta.siteID, after: 0).first)
        #expect(pending.sequence == 1 && pending.values.first?.value == .text("pending from front desk"))

        // What beta held back reaches alpha after both upgraded, and the sites converge.
        try Fixtures.deliverAll(from: beta, to: alpha)
        try Fixtures.deliverAll(from: alpha, to: beta)
        #expect(try alpha.canonicalDump() == beta.canonicalDump())
        let booked = try #require(try alpha.appointment(id: try RowID("bbbfe76b-7494-4fd5-9d56-acad456769a9")))
        #expect(booked.notes == "pending from front desk")
        #expect(try alpha.appointment(id: try RowID("e58c30d0-9005-4f47-b403-0adcde4b44c1"))?.status == "checked_in")
        #expect(try alpha.check().isEmpty && beta.check().isEmpty)
        // New writes are numbered from 1 and conflict correctly with migrated history.
        try alpha.updateAppointment(id: try RowID("e58c30d0-9005-4f47-b403-0adcde4b44c1")) { $0.therapist = "Jo" }
        #expect(try alpha.changes(origin: alpha.siteID, after: 0).map(\.sequence) == [1])

        // Chains start after what each site had written: beta's pending write stays legacy (unsigned),
        // and a site that joins now gets both histories through alpha alone, verified.
        let gamma = try SiteStore.initialize(path: directory.file("gamma.sqlite"), siteID: try SiteID("gamma")).store
        try Fixtures.deliverAll(from: beta, to: alpha)
        try TestFleet([alpha.siteID, beta.siteID, gamma.siteID]).deliver(from: alpha, to: gamma)
        #expect(try gamma.canonicalDump() == alpha.canonicalDump())
        let crypto = TestFleet([]).crypto
        #expect(try alpha.checkChains(crypto: crypto).isEmpty && beta.checkChains(crypto: crypto).isEmpty && gamma.checkChains(crypto: crypto).isEmpty)
        #expect(try Self.scalar(betaPath, "SELECT chain_genesis FROM sync_clock") == "2")
    }
}
