import ClinicSyncCore
import PropertyBased
import Testing

@Suite("Convergence of the merge rules")
struct ConvergencePropertyTests {
    @Test("random edit scripts at 2-5 sites, delivered in random orders with duplicates, converge")
    func sitesConverge() async {
        var runsWithConflicts = 0
        var runsWithDeletes = 0
        await propertyCheck(count: 300, input: Gen.int(in: 2...5), Gen.uint64()) { siteCount, seed in
            var generator = HistoryGenerator(seed: seed)
            var replicas = (0..<siteCount).map { ReplicaModel(site: try! SiteID("site-\($0)")) }
            generator.run(&replicas, steps: generator.int(10...120))
            let everything = replicas.flatMap(\.log)
            for index in replicas.indices {
                var delivery = everything + everything.prefix(generator.int(0...everything.count))
                delivery.shuffle(using: &generator.random)
                for change in delivery { replicas[index].receive(change) }
            }
            let reference = replicas[0].state
            for replica in replicas.dropFirst() {
                #expect(replica.state == reference, "seed \(seed), \(siteCount) sites: \(replica.site) diverged")
            }
            if !reference.journal.isEmpty { runsWithConflicts += 1 }
            if !reference.deleted.isEmpty { runsWithDeletes += 1 }
        }
        // The histories must actually exercise conflicts and deletes, or convergence proves little.
        #expect(runsWithConflicts > 100 && runsWithDeletes > 100, "\(runsWithConflicts) runs with conflicts, \(runsWithDeletes) with deletes")
    }

    @Test("compaction at random points, at sites that hold everything made so far, below what every site holds, changes no outcome")
    func compactionChangesNothing() async {
        var entriesCompacted = 0
        var runsWithConflicts = 0
        var runsWithRemovedRows = 0
        await propertyCheck(count: 200, input: Gen.int(in: 2...4), Gen.uint64()) { siteCount, seed in
            var generator = HistoryGenerator(seed: seed)
            var replicas = (0..<siteCount).map { ReplicaModel(site: try! SiteID("site-\($0)")) }
            for _ in 0..<generator.int(20...120) {
                generator.run(&replicas, steps: 1)
                guard generator.int(0...3) == 0 else { continue }
                // A site compacts only below what every site holds, and only while it holds every
                // change made anywhere (what the fleet reports guarantee the store).
                let index = generator.int(0...(siteCount - 1))
                let caughtUp = replicas.allSatisfy { replicas[index].holds($0.site) >= $0.holds($0.site) }
                guard caughtUp else { continue }
                var frontier: [SiteID: Int64] = [:]
                for origin in replicas.map(\.site) { frontier[origin] = replicas.map { $0.holds(origin) }.min() }
                entriesCompacted += replicas[index].compact(below: VersionVector(frontier))
            }
            // Heal: everything everywhere, twice, relayed from the (compacted) logs.
            for _ in 0..<2 {
                for source in replicas.indices {
                    for target in replicas.indices { for change in replicas[source].log { replicas[target].receive(change) } }
                }
            }
            let reference = replicas[0].state
            for replica in replicas.dropFirst() {
                #expect(replica.state == reference, "seed \(seed), \(siteCount) sites: \(replica.site) diverged")
            }
            if !reference.journal.isEmpty { runsWithConflicts += 1 }
            // Compaction kept what each delete removed: the last value of every field.
            let removed = reference.removed.mapValues { row in
                Dictionary(uniqueKeysWithValues: row.values.map { ($0.key.name, $0.value) })
            }.filter { !$0.value.isEmpty }
            #expect(removed == replicas[0].deletedRowCells, "seed \(seed): removed rows lost values to compaction")
            if !removed.isEmpty { runsWithRemovedRows += 1 }
        }
        // Deleted rows keep their last values, so fewer entries go than before (about 140-260 per run).
        #expect(entriesCompacted > 60 && runsWithConflicts > 50, "\(entriesCompacted) entries compacted, \(runsWithConflicts) runs with conflicts")
        #expect(runsWithRemovedRows > 50, "\(runsWithRemovedRows) runs with removed rows")
    }

    @Test("the same set of changes in any order and any duplication gives the same state")
    func orderAndDuplicationDoNotMatter() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var generator = HistoryGenerator(seed: seed)
            var replicas = (0..<3).map { ReplicaModel(site: try! SiteID("s\($0)")) }
            generator.run(&replicas, steps: 80)
            let changes = replicas.flatMap(\.log)
            var states: [ReplicaModel.State] = []
            for _ in 0..<4 {
                var order = changes + changes.filter { _ in generator.int(0...3) == 0 }
                order.shuffle(using: &generator.random)
                var fresh = ReplicaModel(site: try! SiteID("observer"))
                for change in order { fresh.receive(change) }
                states.append(fresh.state)
            }
            #expect(states.allSatisfy { $0 == states[0] }, "seed \(seed)")
        }
    }

    @Test("concurrent edits of different fields of one row both survive")
    func differentFieldsBothSurvive() throws {
        let row = HistoryGenerator.rows[0]
        let status = try #require(SyncedTable.appointments.column(named: "status"))
        let notes = try #require(SyncedTable.appointments.column(named: "notes"))
        var north = ReplicaModel(site: try SiteID("north"))
        var south = ReplicaModel(site: try SiteID("south"))
        let first = try unwrap(north.write(notes, of: row, .text("original"), now: 1_000))
        south.receive(first)
        let statusEdit = try unwrap(north.write(status, of: row, .text("cancelled"), now: 2_000))
        let notesEdit = try unwrap(south.write(notes, of: row, .text("called back"), now: 2_000))
        north.receive(notesEdit)
        south.receive(statusEdit)
        #expect(north.state == south.state)
        let key = ReplicaModel.CellKey(table: .appointments, row: row, column: "notes")
        #expect(north.state.visible[key] == .text("called back"))
        #expect(north.state.journal.isEmpty, "edits of different fields are not conflicts")
    }

    @Test("a concurrent edit of the same field keeps the loser in the journal at both sites")
    func sameFieldConflictIsJournaled() throws {
        let row = HistoryGenerator.rows[1]
        let therapist = try #require(SyncedTable.appointments.column(named: "therapist"))
        var north = ReplicaModel(site: try SiteID("north"))
        var south = ReplicaModel(site: try SiteID("south"))
        let early = try unwrap(north.write(therapist, of: row, .text("Sam"), now: 1_000))
        let late = try unwrap(south.write(therapist, of: row, .text("Alex"), now: 1_500))
        north.receive(late)
        south.receive(early)
        #expect(north.state == south.state)
        #expect(north.state.journal.values.map(\.loser) == [early])
        #expect(north.state.journal.values.map(\.winner) == [late])
    }

    @Test("a restored site's change has not seen the changes its lost disk made, only those it holds again")
    func restoredSiteSawOnlyWhatItHolds() throws {
        let site = try SiteID("north")
        let row = HistoryGenerator.rows[1]
        let therapist = try #require(SyncedTable.appointments.column(named: "therapist"))
        func change(_ sequence: Int64, seen: VersionVector = VersionVector()) -> Change {
            Change(
                table: .appointments, rowID: row, operation: .write([ColumnValue(therapist, .text("Sam"))]), origin: site,
                sequence: sequence, timestamp: HybridTimestamp(milliseconds: UInt64(10 + sequence % 1_000), counter: 0),
                knowledge: .vector(seen))
        }
        let block = Change.numberingBlockSize
        // Restored from a backup holding its changes up to 3; 4 and 5 were made on the lost disk.
        let afterRestore = change(block + 1, seen: VersionVector([site: 3]))
        #expect(MergeRules.saw(afterRestore, change(3)))
        #expect(!MergeRules.saw(afterRestore, change(4)))
        #expect(!MergeRules.saw(afterRestore, change(5)))
        // Its own changes since the restore it has seen, and a site never restored saw all its earlier ones.
        #expect(MergeRules.saw(change(block + 2, seen: VersionVector([site: 3])), afterRestore))
        #expect(MergeRules.saw(change(5), change(4)) && !MergeRules.saw(change(4), change(5)))
        // The lost change, back, overwritten by the restored site's write: journaled, whichever wins.
        let lost = change(5)
        #expect(MergeRules.conflicts(of: afterRestore, with: [lost]).map(\.loser) == [lost])
    }

    @Test("a later edit of a row deleted elsewhere is not applied, and is journaled as lost to the delete")
    func deleteIsFinal() throws {
        let row = HistoryGenerator.rows[2]
        let notes = try #require(SyncedTable.appointments.column(named: "notes"))
        var north = ReplicaModel(site: try SiteID("north"))
        var south = ReplicaModel(site: try SiteID("south"))
        south.receive(try unwrap(north.write(notes, of: row, .text("booked"), now: 1_000)))
        let delete = try unwrap(north.delete(.appointments, row, now: 2_000))
        let edit = try unwrap(south.write(notes, of: row, .text("moved"), now: 3_000))
        north.receive(edit)
        south.receive(delete)
        #expect(north.state == south.state)
        #expect(north.state.visible.isEmpty)
        #expect(north.state.journal.values.map(\.loser) == [edit])
        #expect(north.state.journal.values.first?.winner == delete)
    }
}

extension ConvergencePropertyTests {
    @Test("a delete journals exactly the edits it had not seen, field by field")
    func deleteJournalsOnlyUnseenEdits() throws {
        let row = HistoryGenerator.rows[3]
        let therapist = try #require(SyncedTable.appointments.column(named: "therapist"))
        let notes = try #require(SyncedTable.appointments.column(named: "notes"))
        var north = ReplicaModel(site: try SiteID("north"))
        var south = ReplicaModel(site: try SiteID("south"))
        let insert = try unwrap(
            north.write(
                [ColumnValue(therapist, .text("Sam")), ColumnValue(notes, .text("new"))], of: row, now: 1_000))
        south.receive(insert)
        // south edits the therapist and north hears of it; south then edits the notes, unseen by north.
        let seenEdit = try unwrap(south.write(therapist, of: row, .text("Kim"), now: 2_000))
        north.receive(seenEdit)
        let unseenEdit = try unwrap(south.write(notes, of: row, .text("moved to Friday"), now: 3_000))
        let delete = try unwrap(north.delete(.appointments, row, now: 4_000))
        north.receive(unseenEdit)
        south.receive(delete)
        #expect(north.state == south.state)
        let journaled = north.state.journal.values.map { "\($0.loser.sequence):\($0.column.name)" }
        #expect(journaled == ["2:notes"], "only the unseen notes edit is lost to the delete: \(journaled)")
    }

    @Test("a write that replaces several fields loses only the fields a concurrent later write also wrote")
    func multiColumnWritesConflictPerField() throws {
        let row = HistoryGenerator.rows[0]
        let therapist = try #require(SyncedTable.appointments.column(named: "therapist"))
        let minutes = try #require(SyncedTable.appointments.column(named: "minutes"))
        var north = ReplicaModel(site: try SiteID("north"))
        var south = ReplicaModel(site: try SiteID("south"))
        let early = try unwrap(north.write([ColumnValue(therapist, .text("Sam")), ColumnValue(minutes, .integer(30))], of: row, now: 1_000))
        let late = try unwrap(south.write(therapist, of: row, .text("Kim"), now: 2_000))
        north.receive(late)
        south.receive(early)
        #expect(north.state == south.state)
        #expect(north.state.journal.values.map(\.column) == [therapist])
        #expect(north.state.visible[ReplicaModel.CellKey(table: .appointments, row: row, column: "minutes")] == .integer(30))
    }
}

/// `#require` for results of mutating calls, which the macro cannot wrap.
func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}
