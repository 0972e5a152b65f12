import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// Sealing a site's changes, serving them with proofs and verifying them on apply, through real
/// SQLite files (docs/design/authenticated-origins.md).
@Suite("Origin chains in the store")
struct OriginChainStoreTests {
    static func sites(_ names: String..., in directory: TemporaryDirectory) throws -> ([SiteStore], TestFleet) {
        let stores = try names.map { try Fixtures.store($0, in: directory) }
        return (stores, TestFleet(stores.map(\.siteID)))
    }

    @Test("writes by another program are sealed like clinicsync's own; unsealed ones are never served")
    func sealsEveryWrite() throws {
        let directory = try TemporaryDirectory()
        let (stores, fleet) = try Self.sites("a", "b", in: directory)
        let a = stores[0]
        let b = stores[1]
        try a.addAppointment(Fixtures.appointment())
        #expect(try sqlite3(a.path, "INSERT INTO appointments (id, patient_id) VALUES ('\(RowID.random())', 'p2');").status == 0)
        #expect(try a.unsealedCount() == 2)
        // `status` counts up to a limit, so a million-entry log costs it no full scan.
        #expect(try a.unsealedCount(limit: 1) == 1 && a.missingCount(from: VersionVector(), limit: 1) == 1)
        #expect(try a.missingCount(from: VersionVector()) == 2 && a.missingCount(from: VersionVector([a.siteID: 1]), limit: 5) == 1)
        #expect(try fleet.seal(a) == 2 && a.unsealedCount() == 0)
        try a.addAppointment(Fixtures.appointment())
        let batch = try a.changes(missingFrom: VersionVector(), limit: 100)
        #expect(batch.changes.count == 2 && batch.through[a.siteID] == 2, "the third write is not sealed yet")
        #expect(batch.proofs[a.siteID]?.groups.map(\.header.count) == [0, 2])
        #expect(try fleet.apply(batch, to: b).applied == 2)
        try fleet.deliver(from: a, to: b)
        #expect(try b.canonicalDump() == a.canonicalDump())
    }

    @Test("a batch cut by its limit ends at a group's end, or carries the leaves of the rest when one group does not fit")
    func cutsAtGroupEnds() throws {
        let directory = try TemporaryDirectory()
        let (stores, fleet) = try Self.sites("a", "b", in: directory)
        let a = stores[0]
        let b = stores[1]
        for _ in 0..<600 { try a.addAppointment(Fixtures.appointment()) }
        try fleet.seal(a)
        #expect(try a.changes(missingFrom: VersionVector(), limit: 300).changes.count == 256)
        let small = try a.changes(missingFrom: VersionVector(), limit: 100)
        #expect(small.changes.count == 100 && small.proofs[a.siteID]?.groups.last?.leaves.count == 156)
        try fleet.apply(small, to: b)
        while try b.versionVector()[a.siteID] < 600 { try fleet.deliver(from: a, to: b, limit: 100) }
        #expect(try b.canonicalDump() == a.canonicalDump())
    }

    @Test("a relay that alters one change, or passes on an origin outside the fleet, gets the whole batch refused")
    func forgedBatchesApplyNothing() throws {
        let directory = try TemporaryDirectory()
        let (stores, fleet) = try Self.sites("a", "b", "c", in: directory)
        let a = stores[0]
        let b = stores[1]
        let c = stores[2]
        for _ in 0..<3 { try a.addAppointment(Fixtures.appointment()) }
        try b.addAppointment(Fixtures.appointment())
        try fleet.deliver(from: a, to: b)
        try fleet.seal(b)
        let honest = try b.changes(missingFrom: c.versionVector(), limit: 100)
        var forged = honest
        let target = forged.changes.firstIndex { $0.origin == a.siteID }! + 1
        let original = forged.changes[target]
        forged.changes[target] = Change(
            table: original.table, rowID: original.rowID, operation: .delete, origin: original.origin,
            sequence: original.sequence, timestamp: original.timestamp, knowledge: original.knowledge)
        let before = try c.canonicalDump()
        #expect(Self.refusal { try fleet.apply(forged, to: c) } == .chainMismatch)
        #expect(try c.canonicalDump() == before && c.versionVector() == VersionVector(), "b's own, valid change was not applied either")

        let withoutB = ChainVerifier(crypto: fleet.crypto, fleet: FleetKeys(fleet.keys.keys.filter { $0.key != b.siteID }))
        #expect(Self.refusal { try c.apply(honest.changes, through: honest.through, proofs: honest.proofs, verifier: withoutB) } == .unknownOrigin)
        #expect(try fleet.apply(honest, to: c).applied == 4)
    }

    @Test("a second database signing as the same site is refused where the two histories meet, and the first kept")
    func secondHistoryIsConflicting() throws {
        let directory = try TemporaryDirectory()
        let twinDirectory = try TemporaryDirectory()
        let (stores, fleet) = try Self.sites("a", "c", in: directory)
        let a = stores[0]
        let c = stores[1]
        let twin = try Fixtures.store("a", in: twinDirectory)
        try a.addAppointment(Fixtures.appointment())
        for _ in 0..<2 { try twin.addAppointment(Fixtures.appointment()) }
        try fleet.deliver(from: a, to: c)
        let before = try c.canonicalDump()
        #expect(Self.refusal { try fleet.deliver(from: twin, to: c) } == .conflictingChange)
        #expect(try c.canonicalDump() == before)
    }

    @Test("check names a chain whose held changes no longer give what was sealed, and one that does not follow on")
    func checkFindsBrokenChains() throws {
        let directory = try TemporaryDirectory()
        let (stores, fleet) = try Self.sites("a", "b", in: directory)
        let a = stores[0]
        let b = stores[1]
        for _ in 0..<3 { try a.addAppointment(Fixtures.appointment()) }
        try fleet.deliver(from: a, to: b)
        #expect(try b.checkChains(crypto: fleet.crypto).isEmpty)
        #expect(try sqlite3(b.path, "UPDATE change_log SET hlc = hlc + 1 WHERE origin = 'a' AND seq = 2;").status == 0)
        #expect(try b.checkChains(crypto: fleet.crypto) == ["group #1...3 of 'a': 1 change(s) differ from what was sealed"])
        #expect(try sqlite3(a.path, "UPDATE chain_groups SET previous = 5 WHERE origin = 'a' AND last = 3;").status == 0)
        #expect(try a.checkChains(crypto: fleet.crypto) == ["group #1...3 of 'a' does not follow #0 of its chain"])
    }

    @Test("a number the site holds is never applied again: not a replayed compacted change; a forgery under a group kept by its root is refused")
    func heldNumbersAreNeverAppliedAgain() throws {
        let directory = try TemporaryDirectory()
        let (stores, fleet) = try Self.sites("a", "c", in: directory)
        let a = stores[0]
        let c = stores[1]
        for _ in 0..<3 { try a.addAppointment(Fixtures.appointment()) }
        try fleet.seal(a)
        let honest = try a.changes(missingFrom: VersionVector(), limit: 100)
        // A relay passes a's group off as compacted (header alone): c holds a up to 3 without its changes.
        var headerOnly = honest
        headerOnly.changes = []
        headerOnly.proofs[a.siteID]!.groups = headerOnly.proofs[a.siteID]!.groups.map { OriginProof.Group(header: $0.header) }
        try fleet.apply(headerOnly, to: c)
        #expect(try c.versionVector()[a.siteID] == 3 && c.appointments().isEmpty)
        // Then sends "a's" change #2 with other content: nothing to check it against, so refused.
        let original = honest.changes[1]
        var forged = headerOnly
        forged.changes = [
            Change(
                table: original.table, rowID: RowID.random(), operation: original.operation, origin: original.origin,
                sequence: 2, timestamp: original.timestamp, knowledge: original.knowledge)
        ]
        #expect(Self.refusal { try fleet.apply(forged, to: c) } == .malformedProof, "the header alone does not cover it")
        forged.proofs = [:]
        #expect(Self.refusal { try fleet.apply(forged, to: c) } == .unsignedChange, "nor does the root c keeps")
        // The genuine changes, with their group's leaves, check against the root c keeps; c holds
        // their numbers already, so they are not applied either.
        let resent = try fleet.apply(honest, to: c)
        #expect(resent.applied == 0 && resent.duplicates == 3)
        #expect(try c.appointments().isEmpty && Self.logged(c, origin: "a") == 0)

        // A genuine change compacted at the receiver and sent again is not logged twice.
        let b = try Fixtures.store("b", in: directory)
        try fleet.apply(honest, to: b)
        #expect(try sqlite3(b.path, "DELETE FROM change_log WHERE origin = 'a' AND seq = 1;").status == 0)
        let again = try fleet.apply(honest, to: b)
        #expect(again.applied == 0 && again.duplicates == 3)
        #expect(try Self.logged(b, origin: "a") == 2)
    }

    @Test("an origin held at a change stays held, not refused, when its sender moves on past the change's group")
    func heldOriginSkippedPastIsHeldNotRefused() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let a = try Fixtures.store("a", in: directory, clock: clock)
        let bClock = ManualWallClock()
        let b = try Fixtures.store("b", in: directory, clock: bClock)
        let fleet = TestFleet([a.siteID, b.siteID])
        try a.addAppointment(Fixtures.appointment())
        clock.advance(by: 3_600_000)
        try a.addAppointment(Fixtures.appointment())
        try fleet.seal(a)
        for _ in 0..<2 { try a.addAppointment(Fixtures.appointment()) }
        try fleet.seal(a)
        let first = try a.changes(missingFrom: VersionVector(), limit: 2)
        #expect(first.changes.count == 2)
        let outcome = try fleet.apply(first, to: b)
        #expect(outcome.applied == 1 && outcome.held.map(\.sequence) == [2])
        // The next batch, asked for from past the held change (as a pipelined pull does).
        let next = try a.changes(missingFrom: VersionVector([a.siteID: 2]), limit: 10)
        let skipped = try fleet.apply(next, to: b)
        #expect(skipped.applied == 0 && skipped.held.map(\.sequence) == [2])
        #expect(try b.versionVector()[a.siteID] == 1)
        // Once b's clock allows, the origin applies from the held change on.
        bClock.advance(by: 3_600_000)
        #expect(try fleet.deliver(from: a, to: b).applied == 3)
        #expect(try b.canonicalDump() == a.canonicalDump())
    }

    @Test("a restored site tells its peers the last number it issued, not the numbers its restore skipped, so holdings agree")
    func restoredSiteReportsWhatItIssued() throws {
        let directory = try TemporaryDirectory()
        let (a, b, fleet) = try Fixtures.restorablePair(in: directory)
        try a.addAppointment(Fixtures.appointment())
        let backup = directory.file("a-backup.sqlite")
        try a.backup(to: backup)
        try a.addAppointment(Fixtures.appointment())
        try fleet.deliver(from: a, to: b)
        let outcome = try SiteStore.restore(from: backup, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        let restored = try SiteStore.open(path: a.path, siteID: a.siteID)
        try fleet.deliver(from: b, to: restored)
        try restored.recovered(from: b.siteID, configuredPeers: [b.siteID])
        try fleet.deliver(from: restored, to: b)
        #expect(try restored.versionVector()[a.siteID] == 2 && b.versionVector()[a.siteID] == 2)
        // Its next change is numbered past the reservation, and follows its chain at b.
        try restored.addAppointment(Fixtures.appointment())
        try fleet.deliver(from: restored, to: b)
        #expect(try b.versionVector()[a.siteID] == outcome.nextSequence && restored.versionVector() == b.versionVector())
        #expect(try b.canonicalDump() == restored.canonicalDump())
    }

    static func logged(_ store: SiteStore, origin: String) throws -> Int {
        Int(
            try sqlite3(store.path, "SELECT COUNT(*) FROM change_log WHERE origin = '\(origin)';").output.trimmingCharacters(
                in: .whitespacesAndNewlines)) ?? -1
    }

    static func refusal(_ body: () throws -> Any) -> ChainRefusal.Code? {
        do { _ = try body() } catch let StoreError.chainRefused(refusal) { return refusal.code } catch { Issue.record("\(error)") }
        return nil
    }
}
