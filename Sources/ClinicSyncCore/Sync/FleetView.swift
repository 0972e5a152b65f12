/// What one site last said about itself: what it holds, which sites it syncs with, and its clock
/// when it said so. Sites pass these reports on to each other, so every site learns, through relays
/// and from peers that only call out, what every site of the fleet holds.
package struct FleetReport: Hashable, Sendable {
    /// The site the report is about (and by).
    package let site: SiteID
    /// What the site held.
    package let vector: VersionVector
    /// The sites it was configured to sync with.
    package let peers: [SiteID]
    /// The site's clock when it reported; a later report replaces an earlier one (at the same
    /// time, one that holds more).
    package let at: HybridTimestamp
    /// How far ahead of its clock the site accepts a change (`clock.max_drift_seconds`); `nil` from
    /// a site that does not say. The smallest bound of the fleet applies everywhere.
    package let maximumDrift: Milliseconds?
    /// The reporting database (see ``Incarnation``); `nil` from a site that does not say.
    package let incarnation: Incarnation?

    /// A site's report about itself.
    package init(
        site: SiteID, vector: VersionVector, peers: [SiteID], at: HybridTimestamp, maximumDrift: Milliseconds? = nil,
        incarnation: Incarnation? = nil
    ) {
        self.site = site
        self.vector = vector
        self.peers = peers.sorted()
        self.at = at
        self.maximumDrift = maximumDrift
        self.incarnation = incarnation
    }
}

extension FleetReport {
    /// Whether this report of the same site is newer than `other`: said later, or at the same
    /// time with more held (a site's clock need not move while it receives changes).
    package func supersedes(_ other: FleetReport) -> Bool {
        at > other.at || (at == other.at && vector != other.vector && vector.dominates(other.vector))
    }
}

/// The latest report known from each site of the fleet, and the compaction frontier they allow.
package struct FleetView: Sendable, Equatable {
    /// The most sites a fleet has: reports from further sites are neither kept nor passed on.
    package static let maximumSites = 1_000

    /// The latest report per site.
    package private(set) var reports: [SiteID: FleetReport]

    /// A view of the given reports (the latest per site is kept).
    package init(_ reports: [FleetReport] = []) {
        self.reports = [:]
        for report in reports { learn(report) }
    }

    /// Keeps `report` if it is newer than what is known of its site; returns whether it was.
    @discardableResult
    package mutating func learn(_ report: FleetReport) -> Bool {
        guard let known = reports[report.site] else {
            reports[report.site] = report
            return true
        }
        guard report.supersedes(known) else { return false }
        reports[report.site] = report
        return true
    }

    /// The drift bound the fleet agrees on: the smallest of `own` and every bound reported by a
    /// member of the fleet as seen from `site` (a report about a site no configured peer leads to,
    /// or a site that left, counts for nothing), so that sites hold the same changes.
    package func agreedDrift(own: Milliseconds, site: SiteID, configuredPeers: [SiteID]) -> Milliseconds {
        members(of: site, configuredPeers: configuredPeers).compactMap { reports[$0]?.maximumDrift }.reduce(own, min)
    }

    /// The sites of the fleet as seen from `site`: those reachable through configured peers (its
    /// own, then each reached site's reported ones). A site removed from every configuration drops
    /// out once its neighbours report without it, and no longer holds compaction back.
    ///
    /// A site nobody has reported as a peer yet is not a member: a change it made concurrently
    /// with an entry compacted before its existence was reported can miss that entry's journal
    /// record at this site (values still converge). Reports travel ahead of changes in every
    /// session, so this needs a site that joins and writes to rows edited elsewhere in that gap.
    package func members(of site: SiteID, configuredPeers: [SiteID]) -> Set<SiteID> {
        var members = Set(configuredPeers)
        var queue = configuredPeers
        while let next = queue.popLast() {
            for peer in reports[next]?.peers ?? [] where members.insert(peer).inserted { queue.append(peer) }
        }
        members.remove(site)
        return members
    }

    /// Why compaction cannot go ahead, or how far it may go.
    package enum Frontier: Equatable, Sendable {
        /// Every change at or below these numbers is held by every site of the fleet, and every
        /// change concurrent with it is held here.
        case ready(VersionVector)
        /// Compaction waits; the reason names the site.
        case blocked(String)
    }

    /// The changes no site can still need to receive or compare against, as seen from `site`.
    ///
    /// A change at or below the frontier is held by every member (its latest report covers it),
    /// and this site holds every change each member had made by the time of that report, so no
    /// change concurrent with it can still arrive: its conflicts are already journaled everywhere.
    package func compactionFrontier(site: SiteID, configuredPeers: [SiteID], holding: VersionVector) -> Frontier {
        let members = members(of: site, configuredPeers: configuredPeers)
        guard !members.isEmpty else { return .blocked("no peers: nothing is known to be held anywhere else") }
        var frontier = holding
        for member in members.sorted() {
            guard let report = reports[member] else {
                return .blocked("site '\(member)' has not reported what it holds yet (it has never synced with this part of the fleet)")
            }
            guard holding[member] >= report.vector[member] else {
                return .blocked("waiting for changes site '\(member)' has made")
            }
            frontier = frontier.meet(report.vector)
        }
        return .ready(frontier)
    }
}
