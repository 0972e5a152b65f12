import ClinicSyncCore
import Testing

@Suite("The fleet's compaction frontier")
struct FleetViewTests {
    let a = try! SiteID("a"), b = try! SiteID("b"), c = try! SiteID("c"), d = try! SiteID("d")

    func report(_ site: SiteID, _ vector: [SiteID: Int64], peers: [SiteID], at: UInt64) -> FleetReport {
        FleetReport(site: site, vector: VersionVector(vector), peers: peers, at: HybridTimestamp(milliseconds: at, counter: 0))
    }

    @Test("in a line a-b-c, a waits for c, which it learns of only through b's report")
    func relaysAreMembers() {
        var view = FleetView([report(b, [a: 5, b: 2], peers: [a, c], at: 10)])
        let holding = VersionVector([a: 9, b: 2])
        #expect(
            view.compactionFrontier(site: a, configuredPeers: [b], holding: holding)
                == .blocked(
                    "site 'c' has not reported what it holds yet (it has never synced with this part of the fleet)"))
        view.learn(report(c, [a: 3, b: 2], peers: [b], at: 11))
        #expect(view.compactionFrontier(site: a, configuredPeers: [b], holding: holding) == .ready(VersionVector([a: 3, b: 2])))
    }

    @Test("the drift bound is the smallest any site reported, or this site's own; sites that do not say are ignored")
    func agreedDriftIsTheSmallest() {
        var view = FleetView([report(b, [:], peers: [a, c, d], at: 1)])
        #expect(view.agreedDrift(own: Milliseconds(300_000), site: a, configuredPeers: [b]) == Milliseconds(300_000))
        view.learn(
            FleetReport(
                site: c, vector: VersionVector(), peers: [b], at: HybridTimestamp(milliseconds: 2, counter: 0), maximumDrift: Milliseconds(60_000)))
        view.learn(
            FleetReport(
                site: d, vector: VersionVector(), peers: [b], at: HybridTimestamp(milliseconds: 2, counter: 0), maximumDrift: Milliseconds(900_000)))
        #expect(view.agreedDrift(own: Milliseconds(300_000), site: a, configuredPeers: [b]) == Milliseconds(60_000))
        #expect(view.agreedDrift(own: Milliseconds(30_000), site: a, configuredPeers: [b]) == Milliseconds(30_000))
        // A report about a site no member leads to (invented, or one that left) counts for nothing.
        let stranger = try! SiteID("zz")
        view.learn(
            FleetReport(
                site: stranger, vector: VersionVector(), peers: [], at: HybridTimestamp(milliseconds: 3, counter: 0),
                maximumDrift: Milliseconds(1_000)))
        #expect(view.agreedDrift(own: Milliseconds(300_000), site: a, configuredPeers: [b]) == Milliseconds(60_000))
    }

    @Test("an older report never replaces a newer one, whatever the order they arrive in")
    func latestReportWins() {
        var view = FleetView()
        let newer = view.learn(report(b, [b: 7], peers: [a], at: 20))
        let older = view.learn(report(b, [b: 3], peers: [a], at: 10))
        #expect(newer && !older)
        #expect(view.reports[b]?.vector == VersionVector([b: 7]))
    }

    @Test("compaction waits for changes a member has made that this site lacks")
    func waitsForMembersChanges() {
        let view = FleetView([report(b, [a: 5, b: 4], peers: [a], at: 10)])
        #expect(
            view.compactionFrontier(site: a, configuredPeers: [b], holding: VersionVector([a: 5, b: 3]))
                == .blocked("waiting for changes site 'b' has made"))
        #expect(
            view.compactionFrontier(site: a, configuredPeers: [b], holding: VersionVector([a: 5, b: 4]))
                == .ready(VersionVector([a: 5, b: 4])))
    }

    @Test("a site dropped from every configuration stops holding compaction back; an added one is waited for")
    func membershipFollowsConfiguration() {
        // d was b's peer; b now reports without it, and d never wrote anything held here.
        let view = FleetView([report(b, [a: 5], peers: [a], at: 30), report(d, [a: 1], peers: [b], at: 5)])
        #expect(view.members(of: a, configuredPeers: [b]) == [b])
        #expect(
            view.compactionFrontier(site: a, configuredPeers: [b, c], holding: VersionVector([a: 5]))
                == .blocked("site 'c' has not reported what it holds yet (it has never synced with this part of the fleet)"))

    }
}
