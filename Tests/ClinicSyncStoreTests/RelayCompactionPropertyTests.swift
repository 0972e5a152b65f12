import ClinicSyncCore
import ClinicSyncStore
import PropertyBased
import Testing

/// Sites in a line that reach each other only through relays, exchanging fleet reports and signed,
/// verified batches as the protocol does, compacting at random moments: they must end with identical tables, deletes and
/// conflict journals, and every store must pass `check`.
@Suite("Relayed sync with compaction")
struct RelayCompactionPropertyTests {
    /// One protocol session, in process: hello (the caller learns the callee's fleet), pulls (the
    /// callee learns the caller's), then pushes; `limit` bounds batches and `maxBatches` cuts the
    /// session short, as a dropped link does.
    static func session(
        _ caller: SiteStore, _ callerPeers: [SiteID], _ callee: SiteStore, _ calleePeers: [SiteID], limit: Int, maxBatches: Int, fleet keys: TestFleet
    ) throws {
        func fleet(_ store: SiteStore, _ peers: [SiteID]) throws -> [FleetReport] {
            [try store.ownReport(peers: peers)] + Array(try store.fleetView().reports.values)
        }
        try caller.learn(fleet(callee, calleePeers))
        try callee.learn(fleet(caller, callerPeers))
        var batches = 0
        for (source, target) in [(callee, caller), (caller, callee)] {
            while batches < maxBatches {
                let held = try target.versionVector()
                try keys.seal(source)
                let batch = try source.changes(missingFrom: held, limit: limit)
                guard !batch.changes.isEmpty || !held.dominates(batch.through) else { break }
                try keys.apply(batch, to: target)
                batches += 1
            }
        }
    }

    @Test("a line of 3-4 sites with random writes, cut sessions and compaction converges: tables, deletes and journals")
    func lineWithCompactionConverges() async throws {
        var runsWithConflicts = 0
        var entriesCompacted = 0
        await propertyCheck(count: 20, input: Gen.int(in: 3...4), Gen.uint64()) { siteCount, seed in
            var random = Xoshiro(seed: (seed, ~seed, seed &* 13, 7))
            let directory = try TemporaryDirectory()
            let clock = ManualWallClock()
            let sites = try (0..<siteCount).map { try Fixtures.store("line-\($0)", in: directory, clock: clock) }
            let keys = TestFleet(sites.map(\.siteID))
            let neighbours: [[SiteID]] = sites.indices.map { index in
                [index - 1, index + 1].filter { sites.indices.contains($0) }.map { sites[$0].siteID }
            }
            for _ in 0..<3 { try sites[0].addAppointment(Fixtures.appointment()) }
            for index in 0..<(siteCount - 1) {
                try Self.session(sites[index], neighbours[index], sites[index + 1], neighbours[index + 1], limit: 1000, maxBatches: 100, fleet: keys)
            }
            for _ in 0..<60 {
                clock.advance(by: UInt64.random(in: 0...3, using: &random))
                let index = Int.random(in: 0..<siteCount, using: &random)
                switch Int.random(in: 0...9, using: &random) {
                case 0...5:
                    try StoreConvergencePropertyTests.randomLocalWrite(at: sites[index], using: &random)
                case 6...8 where index + 1 < siteCount:
                    try Self.session(
                        sites[index], neighbours[index], sites[index + 1], neighbours[index + 1],
                        limit: Int.random(in: 1...5, using: &random), maxBatches: Int.random(in: 1...6, using: &random), fleet: keys)
                default:
                    entriesCompacted += try sites[index].compact(
                        configuredPeers: neighbours[index], partitionEntries: Int.random(in: 1...40, using: &random),
                        sweepBatch: Int.random(in: 1...20, using: &random)
                    ).removed
                }
            }
            // Heal: relay along the line both ways until a pass moves nothing, compacting as we go.
            for _ in 0..<(2 * siteCount) {
                for index in 0..<(siteCount - 1) {
                    try Self.session(
                        sites[index], neighbours[index], sites[index + 1], neighbours[index + 1], limit: 7, maxBatches: 1000, fleet: keys)
                }
                for index in sites.indices {
                    entriesCompacted += try sites[index].compact(configuredPeers: neighbours[index]).removed
                }
            }
            let reference = try sites[0].canonicalDump()
            let removed = try sites[0].removedRows()
            for site in sites {
                #expect(try site.canonicalDump() == reference, "seed \(seed): \(site.siteID) diverged")
                #expect(try site.removedRows() == removed, "seed \(seed): \(site.siteID) lists other deleted rows")
                let problems = try site.check() + site.checkChains(crypto: keys.crypto)
                #expect(problems.isEmpty, "seed \(seed): \(site.siteID): \(problems)")
            }
            if try sites[0].conflictCount() > 0 { runsWithConflicts += 1 }
        }
        // The runs must exercise conflicts and compaction, or convergence proves little (about 75-100
        // entries go per run of 20 seeds; deleted rows keep their last values).
        #expect(runsWithConflicts >= 3 && entriesCompacted > 30, "\(runsWithConflicts) runs with conflicts, \(entriesCompacted) entries compacted")
    }
}
