import ClinicSyncCore
import ClinicSyncStore
import Foundation
import Testing

/// A site restored from a backup, through real SQLite files: what its lost disk made comes back
/// from its peers, and what it writes meanwhile is merged as made without it.
@Suite("Restores in the store")
struct RestoreStoreTests {
    /// Books one appointment at `site` and backs the site up: the state its disk is restored to.
    static func bookAndBackUp(_ site: SiteStore, in directory: TemporaryDirectory) throws -> (id: RowID, backup: String) {
        let id = RowID.random()
        try site.addAppointment(Fixtures.appointment(id: id))
        let backup = directory.file("\(site.siteID.rawValue)-backup.sqlite")
        try site.backup(to: backup)
        return (id, backup)
    }

    @Test("a restored site's write over a value its lost disk wrote journals that value at every site")
    func restoredWriteJournalsTheLostValue() throws {
        let directory = try TemporaryDirectory()
        let (a, b, fleet) = try Fixtures.restorablePair(in: directory)
        let (id, backup) = try Self.bookAndBackUp(a, in: directory)
        // Made after the backup and sent to b before the disk was lost.
        _ = try a.updateAppointment(id: id) { $0.therapist = "Kim" }
        try fleet.deliver(from: a, to: b)
        _ = try SiteStore.restore(from: backup, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        let restored = try SiteStore.open(path: a.path, siteID: a.siteID)
        // The front desk writes before the lost change is back: it never saw "Kim".
        _ = try restored.updateAppointment(id: id) { $0.therapist = "Alex" }
        try fleet.deliver(from: b, to: restored)
        try restored.recovered(from: b.siteID, configuredPeers: [b.siteID])
        try fleet.deliver(from: restored, to: b)
        for store in [restored, b] {
            let journal = try store.conflicts()
            #expect(journal.map(\.loserValue) == [.text("Kim")], "at \(store.siteID)")
            #expect(journal.map(\.winnerValue) == [.text("Alex")], "at \(store.siteID)")
        }
        #expect(try b.canonicalDump() == restored.canonicalDump())
        // Its writes after that have seen what came back: no further journal entry.
        _ = try restored.updateAppointment(id: id) { $0.therapist = "Lee" }
        try fleet.deliver(from: restored, to: b)
        #expect(try b.conflicts().count == 1 && b.appointment(id: id)?.therapist == "Lee")
    }

    @Test("restored again from a backup taken while it still recovered: it asks for the first loss again, and journals a value of it it overwrites")
    func secondRestoreFromARecoveringBackup() throws {
        let directory = try TemporaryDirectory()
        let (a, b, fleet) = try Fixtures.restorablePair(in: directory)
        let id = RowID.random()
        try a.addAppointment(Fixtures.appointment(id: id))
        let first = directory.file("first.sqlite")
        let second = directory.file("second.sqlite")
        try a.backup(to: first)
        _ = try a.updateAppointment(id: id) { $0.therapist = "Kim" }  // lost with the first disk; b holds it
        try fleet.deliver(from: a, to: b)
        _ = try SiteStore.restore(from: first, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        let once = try SiteStore.open(path: a.path, siteID: a.siteID)
        let other = RowID.random()
        try once.addAppointment(Fixtures.appointment(id: other))
        // The nightly backup runs before it has synced with b; then the second disk is lost too.
        try once.backup(to: second)
        _ = try SiteStore.restore(from: second, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        let twice = try SiteStore.open(path: a.path, siteID: a.siteID)
        _ = try twice.updateAppointment(id: id) { $0.therapist = "Alex" }  // it never saw "Kim"
        try fleet.deliver(from: b, to: twice)
        try twice.recovered(from: b.siteID, configuredPeers: [b.siteID])
        try fleet.deliver(from: twice, to: b)
        for store in [twice, b] {
            #expect(try store.conflicts().map(\.loserValue) == [.text("Kim")], "at \(store.siteID)")
            #expect(try store.appointment(id: other) != nil && store.appointment(id: id)?.therapist == "Alex")
        }
        #expect(try b.canonicalDump() == twice.canonicalDump())
    }

    @Test(
        "restored twice with nothing written between: it claims no number its first restore only reserved, so it and its peer agree on what it holds")
    func secondRestoreClaimsOnlyIssuedNumbers() throws {
        let directory = try TemporaryDirectory()
        let (a, b, fleet) = try Fixtures.restorablePair(in: directory)
        try a.addAppointment(Fixtures.appointment())
        let first = directory.file("first.sqlite")
        let second = directory.file("second.sqlite")
        try a.backup(to: first)
        try a.addAppointment(Fixtures.appointment())
        try fleet.deliver(from: a, to: b)
        _ = try SiteStore.restore(from: first, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        let once = try SiteStore.open(path: a.path, siteID: a.siteID)
        try fleet.deliver(from: b, to: once)
        try once.recovered(from: b.siteID, configuredPeers: [b.siteID])
        try once.backup(to: second)
        let outcome = try SiteStore.restore(from: second, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        #expect(outcome.backupSequence == 2)
        // Its first restore reserved the rest of block 0; its new numbers start block 2, past block 1,
        // where its lost second disk may have numbered (chaos seed 400149: a number left in block 1
        // made its next write look unseen by its own site).
        #expect(outcome.nextSequence == 2 * Change.numberingBlockSize)
        let twice = try SiteStore.open(path: a.path, siteID: a.siteID)
        try fleet.deliver(from: b, to: twice)
        try twice.recovered(from: b.siteID, configuredPeers: [b.siteID])
        #expect(try twice.versionVector() == b.versionVector())
        try twice.addAppointment(Fixtures.appointment())
        try fleet.deliver(from: twice, to: b)
        #expect(try twice.versionVector() == b.versionVector() && b.canonicalDump() == twice.canonicalDump())
    }

    @Test("recovering from a peer that only calls in and compacted a lost change away: its verified number for the site ends the recovery")
    func recoversFromACompactedCallingPeer() throws {
        let directory = try TemporaryDirectory()
        let (a, b, fleet) = try Fixtures.restorablePair(in: directory)
        let (id, backup) = try Self.bookAndBackUp(a, in: directory)
        // Lost with a's disk; b overwrites it, and every site holds both, so b compacts it away.
        _ = try a.updateAppointment(id: id) { $0.therapist = "Kim" }
        try fleet.deliver(from: a, to: b)
        _ = try b.updateAppointment(id: id) { $0.therapist = "Bo" }
        try fleet.deliver(from: b, to: a)
        try b.learn([a.ownReport(peers: [b.siteID])], from: a.siteID)
        #expect(try b.compact(configuredPeers: [a.siteID]).removed == 1)
        _ = try SiteStore.restore(from: backup, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID])
        let restored = try SiteStore.open(path: a.path, siteID: a.siteID)
        // b is behind NAT: it pushes, and its report says it holds a's #2, which no batch carries now.
        try fleet.seal(b)
        let batch = try b.changes(missingFrom: restored.versionVector(), limit: .max)
        #expect(batch.through[a.siteID] == 2 && !batch.changes.contains { $0.origin == a.siteID && $0.sequence == 2 })
        // A sender claiming more of a than a's signed chain holds is refused, changing nothing.
        var forged = batch
        forged.through.advance(a.siteID, to: 7)
        #expect(throws: StoreError.self) { try fleet.apply(forged, to: restored) }
        #expect(try restored.versionVector()[a.siteID] < 2)
        try fleet.apply(batch, to: restored)
        try restored.learn([b.ownReport(peers: [a.siteID])], from: b.siteID)
        #expect(try restored.recoveringFrom().isEmpty)
        #expect(try restored.versionVector() == b.versionVector() && b.canonicalDump() == restored.canonicalDump())
    }

    @Test("a site restored from a backup that held a peer's fast change, re-stamped since, takes the re-stamped one")
    func restoredHoldIsJudgedAfresh() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let fast = try Fixtures.store("north", in: directory, clock: ManualWallClock(real.nowMilliseconds() + 3_600_000))
        let south = try Fixtures.store("south", in: directory, clock: real)
        let fleet = TestFleet([fast.siteID, south.siteID])
        try fast.addAppointment(Fixtures.appointment())
        try fast.addAppointment(Fixtures.appointment())
        #expect(try fleet.deliver(from: fast, to: south).held.map(\.sequence) == [1])
        let backup = directory.file("south-backup.sqlite")
        try south.backup(to: backup)
        let north = try SiteStore.open(path: fast.path, siteID: fast.siteID, wallClock: real)
        #expect(try north.recoverFromFastClock().restamped == 2)
        _ = try SiteStore.restore(from: backup, to: south.path, siteID: south.siteID, recoveringFrom: [north.siteID], wallClock: real)
        let restored = try SiteStore.open(path: south.path, siteID: south.siteID, wallClock: real)
        // The backup's hold named a version of north's change that exists nowhere now; a pull that
        // kept it as a barrier asked past it and never got the re-stamped one (chaos seed 300099).
        #expect(try restored.heldOrigins().isEmpty)
        let outcome = try fleet.deliver(from: north, to: restored)
        #expect(outcome.applied == 2 && outcome.held.isEmpty, "\(outcome)")
        #expect(try north.canonicalDump() == restored.canonicalDump())
    }

    @Test("a backup holding changes stamped far ahead (taken while the clock ran fast) is refused, changing nothing; kept on request")
    func backupWithFastChangesIsRefused() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: ManualWallClock(real.nowMilliseconds() + 3_600_000))
        try north.addAppointment(Fixtures.appointment())
        let backup = directory.file("north-backup.sqlite")
        try north.backup(to: backup)
        // The clock is corrected; whether `clock recover` ran since, the backup cannot tell.
        let corrected = try SiteStore.open(path: north.path, siteID: north.siteID, wallClock: real)
        let changes = try corrected.changes()
        #expect {
            try SiteStore.restore(from: backup, to: north.path, siteID: north.siteID, recoveringFrom: [Fixtures.site("south")], wallClock: real)
        } throws: { error in
            guard case let StoreError.backupHoldsFastChanges(path, lead) = error else { return false }
            return path == backup && lead.value > 3_500_000
        }
        #expect(try corrected.changes() == changes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("replaced") }.isEmpty)
        // No recovery ran since (the operator says so): restored; its clock is recovered once it has synced.
        let outcome = try SiteStore.restore(
            from: backup, to: north.path, siteID: north.siteID, recoveringFrom: [Fixtures.site("south")],
            wallClock: real, keepingFastChanges: true)
        #expect(outcome.backupSequence == 1)
        let restored = try SiteStore.open(path: north.path, siteID: north.siteID, wallClock: real)
        try restored.recovered(from: Fixtures.site("south"), configuredPeers: [Fixtures.site("south")])
        #expect(try restored.recoverFromFastClock().restamped == 1)
    }
}

@Suite("Changes of one origin with one timestamp")
struct SameStampTests {
    @Test("a restored site's new change and its lost disk's, stamped alike: the later-numbered wins wherever they meet, journaling the other")
    func laterNumberWins() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let origin = Fixtures.site("south")
        let id = RowID.random()
        let therapist = try #require(SyncedTable.appointments.column(named: "therapist"))
        // Both stamped just after the same change from a site whose clock runs ahead.
        let stamp = HybridTimestamp(milliseconds: clock.nowMilliseconds() + 200_000, counter: 1)
        func change(_ sequence: Int64, _ name: String, seen: [SiteID: Int64]) -> Change {
            Change(
                table: .appointments, rowID: id, operation: .write([ColumnValue(therapist, .text(name))]), origin: origin,
                sequence: sequence, timestamp: stamp, knowledge: .vector(VersionVector(seen)))
        }
        var dumps: [String] = []
        for (name, together) in [("north", false), ("west", true)] {
            let store = try Fixtures.store(name, in: directory, clock: clock)
            try store.addAppointment(Fixtures.appointment(id: id))
            // Both had seen the row's creation; the restored one had not seen the lost one.
            let lost = change(3, "Kim", seen: [store.siteID: 1])
            let restored = change(Change.numberingBlockSize + 3, "Alex", seen: [store.siteID: 1, origin: 2])
            for batch in together ? [[lost, restored]] : [[lost], [restored]] { try store.apply(batch) }
            #expect(try store.appointment(id: id)?.therapist == "Alex", "at \(name)")
            #expect(try store.conflicts().map(\.loserValue) == [.text("Kim")], "at \(name)")
            #expect(try store.check().isEmpty)
            dumps.append(try store.conflicts().map { "\($0.loserSequence)>\($0.winnerSequence)" }.joined())
        }
        #expect(Set(dumps).count == 1)
    }

    @Test("one value lost to both of them: every site journals the earlier-numbered one as its winner, whatever came first")
    func journalKeepsTheEarlierNumbered() throws {
        let directory = try TemporaryDirectory()
        let real = ManualWallClock()
        let a = try Fixtures.store("a", in: directory, clock: real)
        let b = try Fixtures.store("b", in: directory, clock: real)
        let c = try Fixtures.store("c", in: directory, clock: ManualWallClock(real.nowMilliseconds() + 200_000))
        let d = try Fixtures.store("d", in: directory, clock: real)
        let fleet = TestFleet([a, b, c, d].map(\.siteID))
        let id = RowID.random()
        try b.addAppointment(Fixtures.appointment(id: id))
        for site in [a, c, d] { try fleet.deliver(from: b, to: site) }
        let backup = directory.file("a-backup.sqlite")
        try a.backup(to: backup)
        _ = try b.updateAppointment(id: id) { $0.therapist = "Lee" }  // neither of a's writes sees it
        // c's clock runs 200 s ahead: a's next write is stamped just after c's change.
        try c.addAppointment(Fixtures.appointment())
        try fleet.deliver(from: c, to: a)
        _ = try a.updateAppointment(id: id) { $0.therapist = "Kim" }
        try fleet.deliver(from: a, to: d)  // then a's disk is lost
        _ = try SiteStore.restore(from: backup, to: a.path, siteID: a.siteID, recoveringFrom: [b.siteID, c.siteID, d.siteID], wallClock: real)
        let restored = try SiteStore.open(path: a.path, siteID: a.siteID, wallClock: real)
        try fleet.deliver(from: c, to: restored)  // c's change again: the same stamp follows it
        _ = try restored.updateAppointment(id: id) { $0.therapist = "Alex" }
        // "Lee" reaches it before the lost "Kim" comes back; elsewhere "Kim" was there first.
        try fleet.deliver(from: b, to: restored)
        try fleet.deliver(from: d, to: restored)
        for peer in [b, c, d] { try restored.recovered(from: peer.siteID, configuredPeers: [b.siteID, c.siteID, d.siteID]) }
        let stores = [restored, b, c, d]
        for _ in 0..<2 {
            for source in stores { for target in stores where target !== source { try fleet.deliver(from: source, to: target) } }
        }
        let changes = try restored.changes().filter { $0.origin == a.siteID && $0.rowID == id }
        #expect(changes.count == 2 && Set(changes.map(\.timestamp)).count == 1, "the two writes share a stamp: \(changes)")
        let journals = try stores.map { try $0.conflicts().map { "\($0.loserValue)>\($0.winnerValue)@\($0.winnerSequence)" } }
        #expect(Set(journals).count == 1, "\(journals)")
        #expect(journals[0].contains("Lee>Kim@\(changes.map(\.sequence).min()!)"), "\(journals[0])")
        #expect(Set(try stores.map { try $0.canonicalDump() }).count == 1)
    }
}
