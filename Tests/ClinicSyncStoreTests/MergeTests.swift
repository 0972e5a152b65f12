import ClinicSyncCore
import ClinicSyncStore
import Testing

@Suite("Applying remote changes")
struct MergeTests {
    /// Two sites that both hold one appointment, their shared clock a second past its creation.
    /// The directory is returned so that it outlives the test's use of the stores.
    static func twoSitesSharingAnAppointment() throws
        -> (north: SiteStore, south: SiteStore, appointment: Appointment, clock: ManualWallClock, directory: TemporaryDirectory)
    {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let north = try Fixtures.store("north", in: directory, clock: clock)
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let appointment = Fixtures.appointment()
        try north.addAppointment(appointment)
        try Fixtures.deliverAll(from: north, to: south)
        clock.advance(by: 1000)
        return (north, south, appointment, clock, directory)
    }

    @Test("concurrent edits of different fields both survive; the same field keeps a journal entry at both sites")
    func concurrentEdits() throws {
        let (north, south, appointment, clock, directory) = try Self.twoSitesSharingAnAppointment()
        _ = directory
        try north.updateAppointment(id: appointment.id) { $0.status = .cancelled }
        try south.updateAppointment(id: appointment.id) { $0.notes = "wants mornings" }
        try north.updateAppointment(id: appointment.id) { $0.therapist = "Kim" }
        clock.advance(by: 10)
        try south.updateAppointment(id: appointment.id) { $0.therapist = "Alex" }
        try Fixtures.deliverAll(from: north, to: south)
        try Fixtures.deliverAll(from: south, to: north)
        #expect(try north.canonicalDump() == south.canonicalDump())
        let merged = try #require(try north.appointment(id: appointment.id))
        #expect(merged.status == "cancelled" && merged.notes == "wants mornings" && merged.therapist == "Alex")
        let conflicts = try north.conflicts()
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.loserValue == .text("Kim") && conflicts.first?.winnerValue == .text("Alex"))
        #expect(conflicts.first?.loserStamp.origin == north.siteID && conflicts.first?.winnerStamp.origin == south.siteID)
    }

    @Test("applying the same batch twice changes nothing the second time, and nothing is re-captured")
    func idempotent() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let south = try Fixtures.store("south", in: directory)
        try north.addPrescription(Fixtures.prescription())
        let batch = try north.changes()
        let first = try south.apply(batch)
        #expect(first == ApplyOutcome(applied: batch.count, duplicates: 0, conflicts: 0))
        let dump = try south.canonicalDump()
        let second = try south.apply(batch + batch)
        #expect(second == ApplyOutcome(applied: 0, duplicates: batch.count * 2, conflicts: 0))
        #expect(try south.canonicalDump() == dump)
        #expect(try south.changeLogCount() == batch.count)
        #expect(try south.changes().allSatisfy { $0.origin == north.siteID })
        // Returning a site's own changes to it is harmless.
        #expect(try north.apply(batch).duplicates == batch.count)
        // A batch that lists new changes twice applies each once (the second is found in the log).
        let west = try Fixtures.store("west", in: directory)
        try north.addAppointment(Fixtures.appointment())
        let doubled = try north.changes()
        #expect(try west.apply(doubled + doubled) == ApplyOutcome(applied: doubled.count, duplicates: doubled.count, conflicts: 0))
        #expect(try west.canonicalDump() == north.canonicalDump() && west.check().isEmpty)
    }

    @Test("an invalid change holds its origin from that change on; the origin's earlier changes and other origins apply")
    func invalidChangeHoldsItsOrigin() throws {
        let directory = try TemporaryDirectory()
        let north = try Fixtures.store("north", in: directory)
        let east = try Fixtures.store("east", in: directory)
        let south = try Fixtures.store("south", in: directory)
        try north.addAppointment(Fixtures.appointment())
        try east.addAppointment(Fixtures.appointment())
        var batch = try north.changes()
        let minutes = try #require(SyncedTable.appointments.column(named: "minutes"))
        let last = batch[batch.count - 1]
        batch.append(
            Change(
                table: .appointments, rowID: last.rowID, operation: .write([ColumnValue(minutes, .text("sixty"))]),
                origin: last.origin, sequence: last.sequence + 1,
                timestamp: HybridTimestamp(milliseconds: last.timestamp.milliseconds + 1, counter: 0), knowledge: .vector(VersionVector())))
        let outcome = try south.apply(batch + east.changes(), through: VersionVector([north.siteID: last.sequence + 1]))
        #expect(outcome.applied == 2)
        #expect(outcome.held.map(\.origin) == [north.siteID] && outcome.held.first?.sequence == last.sequence + 1)
        guard case let .invalid(rule)? = outcome.held.first?.reason else {
            Issue.record("\(outcome)")
            return
        }
        #expect(rule.contains("minutes"))
        #expect(try south.appointments().count == 2)
        #expect(try south.versionVector()[north.siteID] == last.sequence, "through does not carry a held origin past its held change")
        #expect(try south.heldOrigins().map(\.held) == outcome.held)
    }

    @Test("a change timestamped beyond the drift bound holds its origin while others apply; it applies once the clock allows")
    func farFutureHeld() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let east = try Fixtures.store("east", in: directory, clock: clock)
        let futureClock = ManualWallClock(clock.nowMilliseconds() + 6 * 60 * 1000)
        let north = try Fixtures.store("north", in: directory, clock: futureClock)
        try north.addAppointment(Fixtures.appointment())
        try east.addAppointment(Fixtures.appointment())
        let clockBefore = try south.clock()
        let outcome = try south.apply(try north.changes() + east.changes(), through: try north.versionVector())
        #expect(outcome.applied == 1)
        guard case let .ahead(aheadBy, bound)? = outcome.held.first?.reason else {
            Issue.record("\(outcome)")
            return
        }
        #expect(outcome.held.map(\.origin) == [north.siteID])
        #expect(aheadBy.value >= 6 * 60 * 1000 && bound == .defaultMaximumDrift)
        #expect(try south.versionVector()[north.siteID] == VersionVector.nothing)
        #expect(try south.clock() < north.clock(), "the clock never witnessed the held change")
        #expect(try south.clock() >= clockBefore)
        #expect(try south.heldOrigins().count == 1)
        // Two minutes later the same change is within the bound: it applies, and the hold is gone.
        clock.advance(by: 2 * 60 * 1000)
        let later = try south.apply(try north.changes())
        #expect(later.applied == 1 && later.held.isEmpty)
        #expect(try south.heldOrigins().isEmpty)
        #expect(try south.clock() >= north.changes().last!.timestamp)
    }

    @Test("an origin held at a change stays held there: its later changes, offered alone in a later batch, never apply past the gap")
    func heldOriginNeverAppliesPastTheGap() throws {
        let directory = try TemporaryDirectory()
        let clock = ManualWallClock()
        let south = try Fixtures.store("south", in: directory, clock: clock)
        let futureClock = ManualWallClock(clock.nowMilliseconds() + 6 * 60 * 1000)
        let north = try Fixtures.store("north", in: directory, clock: futureClock)
        for _ in 0..<3 { try north.addAppointment(Fixtures.appointment()) }
        let all = try north.changes()
        #expect(try south.apply([all[0]]).held.map(\.sequence) == [all[0].sequence])
        // The sender moved on past the held change; meanwhile south's clock would accept them all.
        clock.advance(by: 2 * 60 * 1000)
        let later = try south.apply(Array(all[1...]), through: try north.versionVector())
        #expect(later.applied == 0 && later.held.map(\.sequence) == [all[0].sequence], "\(later)")
        #expect(try south.versionVector()[north.siteID] == VersionVector.nothing)
        #expect(try south.appointments().isEmpty)
        // Offered from the held change on, everything applies and the hold is released.
        let whole = try south.apply(all, through: try north.versionVector())
        #expect(whole.applied == 3 && whole.held.isEmpty)
        #expect(try south.heldOrigins().isEmpty && south.appointments().count == 3)
    }

    @Test("a delete wins over a concurrent edit at every site, and the edit is journaled")
    func deleteVersusEdit() throws {
        let (north, south, appointment, clock, directory) = try Self.twoSitesSharingAnAppointment()
        _ = directory
        try north.deleteAppointment(id: appointment.id)
        clock.advance(by: 1000)
        try south.updateAppointment(id: appointment.id) { $0.notes = "running late" }
        try Fixtures.deliverAll(from: south, to: north)
        try Fixtures.deliverAll(from: north, to: south)
        #expect(try north.canonicalDump() == south.canonicalDump())
        #expect(try north.appointments().isEmpty && south.appointments().isEmpty)
        let conflicts = try south.conflicts()
        #expect(conflicts.count == 1 && conflicts.first?.winnerDeleted == true && conflicts.first?.loserValue == .text("running late"))
    }
}
