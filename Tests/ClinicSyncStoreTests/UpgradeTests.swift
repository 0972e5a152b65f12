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

    /// The clinical rows in version 1's columns (later schemas add columns, which stay empty).
    static let versionOneRows = """
        SELECT id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status, prescription_id, notes
        FROM appointments ORDER BY id;
        SELECT id, patient_id, patient_name, prescriber, prescriber_npi, diagnosis, icd10_codes, visits_authorized,
            units_per_visit, frequency, body_region, issued_on, expires_on, payer, member_id, notes
        FROM prescriptions ORDER BY id;
        """

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
        let v1Rows = try Self.scalar(alphaPath, Self.versionOneRows)
        #expect(v1Pending == 1 && v1Conflicts == "2")

        let alpha = try SiteStore.open(path: alphaPath, siteID: try SiteID("alpha"))
        let beta = try SiteStore.open(path: betaPath, siteID: try SiteID("beta"))
        let problems = try alpha.check() + beta.check()
        #expect(problems.isEmpty, "\(problems)")
        #expect(try alpha.changeLogCount() == v1Entries["alpha"])
        #expect(try beta.changeLogCount() == v1Entries["beta"]! + v1Pending)
        #expect(try Self.scalar(alphaPath, Self.versionOneRows) == v1Rows)
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
        #expect(
            try alpha.checkChains(crypto: crypto).isEmpty && beta.checkChains(crypto: crypto).isEmpty && gamma.checkChains(crypto: crypto).isEmpty)
        #expect(try Self.scalar(betaPath, "SELECT chain_genesis FROM sync_clock") == "2")

        // Schema 2's tables arrive empty and captured; entries from before keep their values, and a
        // check's 21 values fill the six slots the log gained (schemas 2 and 3).
        #expect(try Self.scalar(alphaPath, "SELECT COUNT(*) FROM coverage_checks") == "0")
        #expect(try Self.scalar(alphaPath, "SELECT COUNT(*) FROM pragma_table_info('change_log') WHERE name GLOB 'v[0-9]*'") == "21")
        let check = Fixtures.coverageCheck()
        try alpha.addCoverageCheck(check)
        try Fixtures.deliverAll(from: alpha, to: beta)
        #expect(try beta.coverageCheck(id: check.id)?.coverageCheck() == check)
        #expect(try alpha.canonicalDump() == beta.canonicalDump() && alpha.check().isEmpty && beta.check().isEmpty)

        // Schema 3: old rows read with no regions and no letter; setting them is one change of the
        // new columns alone, which the other upgraded site applies.
        let oldPrescription = try #require(try alpha.prescriptions().first)
        let readBack = try oldPrescription.prescription()
        #expect(readBack.bodyRegions.isEmpty && readBack.lmnReceivedOn == nil && oldPrescription.bodyRegions == nil)
        let regions: Set<BodyRegion> = [try BodyRegion("Left Ankle"), try BodyRegion("lower  back")]
        let received = try CalendarDate("2026-11-20", field: "lmn_received_on")
        try alpha.updatePrescription(id: try RowID(oldPrescription.id)) {
            $0.bodyRegions = regions
            $0.lmnReceivedOn = received
        }
        let written = try #require(try alpha.changes(origin: alpha.siteID, after: 0).last)
        #expect(Set(written.values.map(\.column.name)) == ["body_regions", "lmn_received_on"])
        try Fixtures.deliverAll(from: alpha, to: beta)
        let atBeta = try #require(try beta.prescription(id: try RowID(oldPrescription.id)))
        #expect(atBeta.bodyRegions == #"["left ankle","lower back"]"# && atBeta.lmnReceivedOn == "2026-11-20")
        #expect(try atBeta.prescription().bodyRegions == regions)
        #expect(try alpha.canonicalDump() == beta.canonicalDump() && alpha.check().isEmpty && beta.check().isEmpty)
    }
}

/// A backup made by the version-1 binary, restored after the site was upgraded and its disk lost.
@Suite("Restoring a version-1 backup")
struct VersionOneRestoreTests {
    @Test("its legacy number for the site is kept, so the legacy changes the lost disk made after it come back")
    func legacyChangesComeBack() throws {
        let directory = try TemporaryDirectory()
        let alphaSite = try SiteID("alpha")
        let betaSite = try SiteID("beta")
        // The backup: alpha's version-1 database before its newest change.
        let backup = try UpgradeTests.fixture("alpha", into: directory)
        let live = directory.file("alpha-live.sqlite")
        try FileManager.default.copyItem(atPath: backup, toPath: live)
        let newest = try #require(Int64(try UpgradeTests.scalar(backup, "SELECT MAX(hlc) FROM change_log WHERE origin = 'alpha'")))
        try sqlite3(
            backup,
            """
            DELETE FROM change_log WHERE origin = 'alpha' AND hlc = \(newest);
            UPDATE version_vector SET hlc = (SELECT MAX(hlc) FROM change_log WHERE origin = 'alpha') WHERE origin = 'alpha';
            """)
        // The lost disk: alpha upgraded with that change, wrote one more and synced with beta.
        let lost = try SiteStore.open(path: live, siteID: alphaSite)
        let beta = try SiteStore.open(path: try UpgradeTests.fixture("beta", into: directory), siteID: betaSite)
        let fleet = TestFleet([alphaSite, betaSite])
        _ = try lost.updateAppointment(id: try RowID("e58c30d0-9005-4f47-b403-0adcde4b44c1")) { $0.therapist = "Jo" }
        try fleet.deliver(from: lost, to: beta)
        try fleet.deliver(from: beta, to: lost)

        let outcome = try SiteStore.restore(from: backup, to: live, siteID: alphaSite, recoveringFrom: [betaSite])
        #expect(outcome.backupSequence == 0)
        let restored = try SiteStore.open(path: live, siteID: alphaSite)
        #expect(try restored.versionVector()[alphaSite] < 0, "its legacy number, not 0")
        try fleet.deliver(from: beta, to: restored)
        try restored.recovered(from: betaSite, configuredPeers: [betaSite])
        #expect(try restored.changes(origin: alphaSite, after: .min).contains { $0.sequence == newest - (1 << 62) })
        #expect(try restored.canonicalDump() == beta.canonicalDump())
        #expect(try restored.check().isEmpty)
    }

    @Test("one holding writes by another program that version 1 had not stamped is refused, changing nothing")
    func unstampedWritesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let betaSite = try SiteID("beta")
        let backup = try UpgradeTests.fixture("beta", into: directory)
        let live = directory.file("beta-live.sqlite")
        try FileManager.default.copyItem(atPath: backup, toPath: live)
        let before = try Data(contentsOf: URL(fileURLWithPath: live))
        #expect {
            try SiteStore.restore(from: backup, to: live, siteID: betaSite, recoveringFrom: [try SiteID("alpha")])
        } throws: { error in
            guard case let StoreError.backupHoldsUnstampedWrites(path, count, replacedRanThisVersion) = error else { return false }
            return path == backup && count == 1 && !replacedRanThisVersion && "\(error)".contains("Nothing was changed")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: live)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("replaced") }.isEmpty)
        // The lost site never ran this version (no number of it can clash): restored on request,
        // the write becomes the site's first change and new ones start a block of their own.
        let outcome = try SiteStore.restore(
            from: backup, to: live, siteID: betaSite, recoveringFrom: [try SiteID("alpha")],
            keepingUnstampedWrites: true)
        #expect(outcome.backupSequence == 1 && outcome.nextSequence == Change.numberingBlockSize)
        let restored = try SiteStore.open(path: live, siteID: betaSite)
        #expect(try restored.changes(origin: betaSite, after: 0).map(\.sequence) == [1])
        #expect(try restored.check().isEmpty)
    }
}
