import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation

/// One seeded run: start the sites behind fault proxies, drive writes and faults on a schedule,
/// heal, sync until quiet, and verify the invariants.
final class ChaosRun {
    struct Counts: CustomStringConvertible {
        var writes = 0, partitions = 0, cuts = 0, delays = 0, stalls = 0, kills = 0, clockSteps = 0, manualSyncs = 0, resaves = 0
        var clockJumps = 0, clockRecoveries = 0, forgedPushes = 0, reloads = 0, tampers = 0, backups = 0, restores = 0, restoresRefused = 0
        var heldWaitSeconds = 0.0, natSites = 0, impostorsRefused = 0
        var cutConnections = 0, refusedConnections = 0, tamperedValues = 0, changes = 0, compacted = 0
        var convergeSeconds = 0.0

        var description: String {
            "writes=\(writes) changes=\(changes) compacted=\(compacted) partitions=\(partitions) cuts=\(cuts) (connections cut: "
                + "\(cutConnections), refused: \(refusedConnections)) "
                + "delays=\(delays) stalls=\(stalls) tampers=\(tampers) (values rewritten: \(tamperedValues)) kill-9=\(kills) "
                + "clock-steps=\(clockSteps) clock-jumps=\(clockJumps) "
                + "clock-recoveries=\(clockRecoveries) forged-pushes-refused=\(forgedPushes) peer-reloads=\(reloads) sync-now=\(manualSyncs) "
                + "resaves-refused=\(resaves) backups=\(backups) restores=\(restores) restores-refused=\(restoresRefused) "
                + "nat-sites=\(natSites) impostors-refused=\(impostorsRefused) "
                + String(format: "held-wait=%.0f s converged in %.1f s", heldWaitSeconds, convergeSeconds)
        }
    }

    let seed: UInt64
    let topology: Topology
    let steps: Int
    private var random: SeededRandom
    private(set) var log: [String] = []
    private(set) var counts = Counts()
    private var sites: [ChaosSite] = []
    private var proxies: [(from: Int, to: Int, proxy: FaultProxy)] = []
    /// Sites whose wall clock jumped hours ahead, with the step at which it is corrected.
    private var pendingClockFixes: [Int: Int] = [:]
    /// Sites whose configuration dropped one peer (by its link), with the step at which it is put back.
    private var droppedPeers: [Int: (link: Int, due: Int)] = [:]

    /// The site behind NAT, if any: no one can call it; it calls out.
    private var natSite: Int?

    /// Whether lost disks are restored from backups (`--restores`).
    private let restores: Bool

    private let root: String
    private let binary: String

    init(
        seed: UInt64, siteCount: Int, topology: Topology, steps: Int, binary: String, root: String, compactionSeconds: Int, restores: Bool = false
    ) throws {
        self.restores = restores
        self.root = root
        self.binary = binary
        self.seed = seed
        self.topology = topology
        self.steps = steps
        random = SeededRandom(seed: seed)
        let names = ["alpha", "bravo", "charlie", "delta", "echo"]
        for index in 0..<siteCount {
            // Clocks skewed by up to two minutes either way: inside the five-minute drift bound.
            let offset = Int64.random(in: -120_000...120_000, using: &random)
            sites.append(
                try ChaosSite(
                    name: names[index], root: root, binary: binary, clockOffsetMilliseconds: offset, compactionSeconds: compactionSeconds))
        }
        for (from, to) in topology.links(siteCount) {
            proxies.append((from, to, try FaultProxy(targetPort: sites[to].port, port: LoopbackPorts.next())))
        }
        if random.chance(25) {
            let nat = Int.random(in: 0..<siteCount, using: &random)
            natSite = nat
            for entry in proxies where entry.to == nat { entry.proxy.unreachable = true }
            counts.natSites = 1
        }
        for site in sites {
            try site.configure(peers: [])
            let initialized = try site.run(["init"])
            guard initialized.status == 0 else { throw ChaosError.setup("init failed at \(site.name): \(initialized.stderr)") }
        }
        let fleet = Dictionary(uniqueKeysWithValues: try sites.map { ($0.name, try $0.fingerprint()) })
        for (index, site) in sites.enumerated() {
            site.fleet = fleet
            // Half the sites send and ask uncompressed, so that a tampering link can rewrite what they exchange.
            site.compression = Bool.random(using: &random)
            try site.configure(peers: proxies.filter { $0.from == index }.map { (sites[$0.to].name, $0.proxy.port) })
        }
        note(
            "seed \(seed): \(siteCount) sites, \(topology), clock offsets "
                + sites.map { "\($0.name)=\($0.clockOffsetMilliseconds)ms" }.joined(separator: " ")
                + (natSite.map { ", \(sites[$0].name) behind NAT (it only calls out)" } ?? ""))
    }

    private func note(_ line: String) { log.append(line) }

    /// Runs the schedule and returns the invariant violations (empty: the run passed).
    func execute() throws -> [String] {
        defer { tearDown() }
        do {
            return try runSchedule()
        } catch {
            // A port another process took: the seed is run again.
            if "\(error)".contains("Address already in use") || (error as? POSIXError)?.code == .EADDRINUSE { throw error }
            // A command that should have answered (status, check, a listing) failed, or a step
            // could not go on: a violation, reported with what was found so far and the schedule.
            note("VIOLATION \(error)")
            return violations + ["the run stopped: \(error)"]
        }
    }

    /// What the run found wrong so far.
    private var violations: [String] = []

    private func runSchedule() throws -> [String] {
        for site in sites { try site.start() }
        var workload = Workload(seed: seed)
        var pendingRestarts: [Int: Int] = [:]
        var pendingHeals: [Int: Int] = [:]
        var pendingRestores: [Int: (backup: String, due: Int)] = [:]
        for step in 0..<steps {
            for site in sites {
                guard let crash = site.reapCrash() else { continue }
                violations.append(crash)
                note("step \(step): \(crash)")
            }
            for (index, pending) in pendingRestores where pending.due <= step {
                let outcome = try restore(index, from: pending.backup, step: step, pendingClockFix: pendingClockFixes[index] != nil)
                if let problem = outcome.problem { violations.append(problem) }
                if outcome.done {
                    if outcome.problem == nil { try workload.siteRestored(sites[index]) }
                    pendingRestores.removeValue(forKey: index)
                } else {
                    pendingRestores[index] = (pending.backup, step + 2)
                }
            }
            for (index, due) in pendingRestarts where due <= step {
                try restart(index)
                pendingRestarts.removeValue(forKey: index)
            }
            for (index, due) in pendingClockFixes where due <= step {
                guard let problems = try correctClock(index, postponable: true) else {
                    pendingClockFixes[index] = step + 2
                    continue
                }
                violations += problems
                pendingClockFixes.removeValue(forKey: index)
            }
            for (index, dropped) in droppedPeers where dropped.due <= step {
                try reconfigure(index, dropping: nil)
                droppedPeers.removeValue(forKey: index)
                note("step \(step): \(sites[index].name) configured with all its peers again (SIGHUP)")
            }
            for (link, due) in pendingHeals where due <= step {
                proxies[link].proxy.mode = .pass
                pendingHeals.removeValue(forKey: link)
                note("step \(step): heal \(linkName(link))")
            }
            let roll = Int.random(in: 0..<100, using: &random)
            let link = Int.random(in: 0..<proxies.count, using: &random)
            switch roll {
            case 0..<55:
                let site = sites.randomElement(using: &random)!
                let before = workload.ledger.writes.count
                do { note("step \(step): " + (try workload.step(at: site))) } catch let violation as WorkloadViolation {
                    violations.append(violation.description)
                    note("step \(step): VIOLATION \(violation)")
                }
                if workload.ledger.writes.count > before { counts.writes += 1 }
            case 55..<63:
                proxies[link].proxy.mode = .refuse
                if let reverse = proxies.firstIndex(where: { $0.from == proxies[link].to && $0.to == proxies[link].from }) {
                    proxies[reverse].proxy.mode = .refuse
                    pendingHeals[reverse] = step + Int.random(in: 2...10, using: &random)
                }
                pendingHeals[link] = step + Int.random(in: 2...10, using: &random)
                counts.partitions += 1
                note("step \(step): partition \(linkName(link))")
            case 63..<70:
                let bytes = Int.random(in: 32...3000, using: &random)
                proxies[link].proxy.mode = .cutAfter(bytes: bytes)
                pendingHeals[link] = step + Int.random(in: 1...6, using: &random)
                counts.cuts += 1
                note("step \(step): cut \(linkName(link)) after \(bytes) bytes")
                // Push traffic through the faulty link now, so the cut lands mid-request or mid-response.
                let caller = sites[proxies[link].from]
                let result = try caller.run(["sync", "now", "--json", "--peer", sites[proxies[link].to].name])
                counts.manualSyncs += 1
                note("step \(step): sync now at \(caller.name) through the cut link -> exit \(result.status)")
            case 72..<74:
                // A link that alters what it carries: every batch with a rewritten value must be refused.
                proxies[link].proxy.mode = .tamper
                pendingHeals[link] = step + Int.random(in: 1...4, using: &random)
                counts.tampers += 1
                let caller = sites[proxies[link].from]
                let result = try caller.run(["sync", "now", "--json", "--peer", sites[proxies[link].to].name])
                counts.manualSyncs += 1
                note("step \(step): tamper \(linkName(link)); sync now at \(caller.name) through it -> exit \(result.status)")
            case 70..<72:
                proxies[link].proxy.mode = .delay(milliseconds: Int.random(in: 20...150, using: &random))
                pendingHeals[link] = step + Int.random(in: 1...6, using: &random)
                counts.delays += 1
                note("step \(step): \(proxies[link].proxy.mode) on \(linkName(link))")
            case 74..<76:
                proxies[link].proxy.mode = .stall
                pendingHeals[link] = step + Int.random(in: 1...3, using: &random)
                counts.stalls += 1
                note("step \(step): stall \(linkName(link))")
            case 76..<84:
                let index = Int.random(in: 0..<sites.count, using: &random)
                guard sites[index].isRunning else { continue }
                // Let the daemon get into a round (applying, checkpointing) before the power cut.
                usleep(useconds_t(Int.random(in: 0...400, using: &random) * 1000))
                sites[index].kill()
                counts.kills += 1
                pendingRestarts[index] = step + Int.random(in: 1...5, using: &random)
                note("step \(step): kill -9 \(sites[index].name)")
            case 84..<86:
                let index = Int.random(in: 0..<sites.count, using: &random)
                // One site at a time: two sites fast together accept each other's changes, and
                // nothing but real time brings them back (see the README's limits).
                guard pendingClockFixes.isEmpty else { continue }
                // A dead CMOS battery or a bad NTP answer: the wall clock jumps hours ahead; the site
                // keeps working (its changes held at every peer) until the clock is corrected.
                sites[index].stop()
                sites[index].clockOffsetMilliseconds = Int64.random(in: 1...6, using: &random) * 3_600_000
                try sites[index].start()
                pendingRestarts.removeValue(forKey: index)  // a killed site is running again now
                pendingClockFixes[index] = step + Int.random(in: 2...8, using: &random)
                counts.clockJumps += 1
                note("step \(step): clock of \(sites[index].name) jumps \(sites[index].clockOffsetMilliseconds / 3_600_000) h ahead")
                // The front desk keeps working meanwhile: clinicsync refuses its writes once it knows
                // the clock is ahead, and it insists (--force), so they are stamped hours ahead.
                for _ in 0..<3 {
                    do { note("step \(step): " + (try workload.step(at: sites[index], force: true))) } catch let violation as WorkloadViolation {
                        violations.append(violation.description)
                    }
                }
            case 86..<88:
                let target = sites.randomElement(using: &random)!
                let impersonated = sites.filter { $0.name != target.name }.randomElement(using: &random)!
                let targetIndex = sites.firstIndex { $0 === target }!
                let peer = proxies.filter { $0.from == targetIndex && sites[$0.to].name != impersonated.name }.randomElement(using: &random)
                let refused = try ForgedPush.send(to: target, peer: peer.map { sites[$0.to].name }, impersonating: impersonated.name, using: &random)
                if let problem = refused.problem { violations.append(problem) }
                counts.forgedPushes += 1
                note("step \(step): forged push to \(target.name) (\(refused.kind)) -> \(refused.status)")
            case 88..<90:
                // An operator edits the peer list and reloads: one peer goes, and comes back later.
                let index = proxies[link].from
                guard droppedPeers[index] == nil else { continue }
                try reconfigure(index, dropping: link)
                droppedPeers[index] = (link, step + Int.random(in: 2...8, using: &random))
                counts.reloads += 1
                note("step \(step): \(sites[index].name) drops peer \(sites[proxies[link].to].name) from its configuration (SIGHUP)")
            case 92..<94:
                // A backup now, a lost disk later: the site is restored from it and gets back from
                // its peers what it made meanwhile.
                let index = Int.random(in: 0..<sites.count, using: &random)
                guard restores, pendingRestores[index] == nil, sites[index].isRunning else { continue }
                let backup = sites[index].directory + "/backup-\(step).sqlite"
                let result = try sites[index].run(["backup", "--to", backup])
                guard result.status == 0 else {
                    violations.append("backup at \(sites[index].name) failed: \(result.stderr)")
                    continue
                }
                pendingRestores[index] = (backup, step + Int.random(in: 2...8, using: &random))
                counts.backups += 1
                note("step \(step): backup of \(sites[index].name)")
            case 94..<96:
                // A cloned VM with a fresh database under one site's id, calling one of its running peers.
                let index = Int.random(in: 0..<sites.count, using: &random)
                let running = proxies.filter { $0.from == index && sites[$0.to].isRunning }.map(\.to)
                guard let peer = running.randomElement(using: &random) else { continue }
                guard let outcome = try Impostor.run(cloning: sites[index], peer: sites[peer], root: root, binary: binary) else { continue }
                if let problem = outcome.problem { violations.append(problem) } else { counts.impostorsRefused += 1 }
                note("step \(step): a second database of \(sites[index].name) syncs with \(sites[peer].name): \(outcome.detail)")
            case 90..<92:
                let site = sites.randomElement(using: &random)!
                let result = try site.run(["sync", "now", "--json"])
                counts.manualSyncs += 1
                note("step \(step): sync now at \(site.name) -> exit \(result.status)")
            default:
                proxies[link].proxy.mode = .pass
                note("step \(step): heal \(linkName(link))")
            }
            usleep(useconds_t(Int.random(in: 0...120, using: &random) * 1000))
        }
        counts.resaves = workload.resavesRefused
        violations += try healAndVerify(workload.ledger)
        return violations
    }

    /// The disk of site `index` is lost and it is restored from `backup`: first it syncs with its
    /// peers (a write no other site ever received is lost with the disk, which the invariants would
    /// rightly count), then it stops, restores and starts again. Not done: to try again later
    /// (the site is down, its clock is being fixed, or a peer is unreachable now).
    private func restore(_ index: Int, from backup: String, step: Int, pendingClockFix: Bool) throws -> (done: Bool, problem: String?) {
        let site = sites[index]
        guard site.isRunning, !pendingClockFix else { return (false, nil) }
        guard try sentEverything(site) else { return (false, nil) }
        site.stop()
        let restored = try site.run(["restore", "--from", backup])
        try site.start()
        if restored.status == 75, restored.stderr.contains("--keep-fast-changes") {
            // Taken while its clock ran fast, before a recovery: refused, nothing changed, as the
            // README says (an operator restores a later backup).
            counts.restoresRefused += 1
            note("step \(step): restore of \(site.name) refused: its backup predates a clock recovery")
            return (true, nil)
        }
        guard restored.status == 0 else {
            note("step \(step): VIOLATION restore of \(site.name) refused (\(restored.status))")
            return (true, "restore of \(site.name) from its backup failed (\(restored.status)): \(restored.stderr)")
        }
        counts.restores += 1
        note("step \(step): \(site.name) lost its disk and was restored from its backup")
        return (true, nil)
    }

    /// Rewrites site `index`'s configuration with its peers, less the one of link `dropping`, and
    /// reloads the daemon (SIGHUP) if it runs.
    private func reconfigure(_ index: Int, dropping: Int?) throws {
        let peers = proxies.indices.filter { proxies[$0].from == index && $0 != dropping }
            .map { (sites[proxies[$0].to].name, proxies[$0].proxy.port) }
        try sites[index].configure(peers: peers)
        sites[index].reload()
    }

    /// The jumped clock is corrected (NTP): the operator stops the daemon, recovers the clock and
    /// starts it again; returns a violation if the recovery fails. `clock recover` is refused
    /// while a restore's recovery runs, so the operator syncs first (a peer behind NAT brings the
    /// site's changes back when it calls in); with `postponable`, a site whose recovery waits for a
    /// link that is down is left for later (nil), as an operator would wait for the link.
    private func correctClock(_ index: Int, postponable: Bool) throws -> [String]? {
        let site = sites[index]
        let waitsForLink = postponable && linkDown(around: index)
        let deadline = Date().addingTimeInterval(waitsForLink ? 5 : 20)
        var recovering = try isRecovering(site)
        while Date() < deadline, recovering {
            _ = try site.run(["sync", "now", "--json"])
            usleep(500_000)
            recovering = try isRecovering(site)
        }
        if waitsForLink, recovering {
            note("clock of \(site.name) not corrected yet: it still gets its changes back after a restore, and a link it needs is down")
            return nil
        }
        let wasRunning = site.isRunning
        site.stop()
        site.clockOffsetMilliseconds = Int64.random(in: -120_000...120_000, using: &random)
        let recovered = try site.run(["clock", "recover", "--json"])
        counts.clockRecoveries += 1
        note(
            "clock of \(site.name) corrected to \(site.clockOffsetMilliseconds) ms; clock recover -> exit \(recovered.status) "
                + "\(recovered.stdout.replacingOccurrences(of: "\n", with: " "))"
        )
        // A site killed meanwhile is started by its pending restart.
        if wasRunning { try site.start() }
        return recovered.status == 0 ? [] : ["clock recover failed at \(site.name) (exit \(recovered.status)): \(recovered.stderr)"]
    }

    /// Whether a sync now at `site` left every change it made at a peer: none unsent (a site still
    /// recovering, or not yet signed) and none held there (stamped ahead of the peer's clock).
    private func sentEverything(_ site: ChaosSite) throws -> Bool {
        let round = try site.syncNow()
        guard syncSucceeded(round) else { return false }
        let peers = round.peers
        // A site whose only peer is behind NAT has sent nothing until that peer calls.
        guard peers.contains(where: \.ok) else { return false }
        let heldAtPeers = peers.flatMap { $0.held ?? [] }.contains { $0.origin == site.name && $0.where == "peer" }
        let status = try site.status()
        return !heldAtPeers && status.recoveringFrom.isEmpty && status.unsealedChanges == 0
    }

    /// Whether a link of site `index` (either way) is failing, the site at its other end is down,
    /// or either end dropped the other from its configuration: a restored site's recovery may be
    /// waiting for it. A link into a site behind NAT is never called, so never counts.
    private func linkDown(around index: Int) -> Bool {
        proxies.contains { entry in
            guard entry.from == index || entry.to == index, !entry.proxy.unreachable else { return false }
            let other = entry.from == index ? entry.to : entry.from
            let dropped = [(index, other), (other, index)].contains { site, peer in
                droppedPeers[site].map { proxies[$0.link].from == site && proxies[$0.link].to == peer } ?? false
            }
            switch entry.proxy.mode {
            case .pass, .delay: return dropped || !sites[other].isRunning
            default: return true
            }
        }
    }

    /// Whether `site` still gets its changes back after a restore.
    private func isRecovering(_ site: ChaosSite) throws -> Bool {
        !(try site.status().recoveringFrom.isEmpty)
    }

    private func restart(_ index: Int) throws {
        let site = sites[index]
        guard !site.isRunning else { return }
        if pendingClockFixes[index] != nil {
            note("restart \(site.name) (clock still ahead)")
        } else if random.chance(30) {
            // Step the clock on restart (NTP correction or a bad RTC), backwards as often as forwards.
            site.clockOffsetMilliseconds = Int64.random(in: -120_000...120_000, using: &random)
            counts.clockSteps += 1
            note("restart \(site.name) with clock offset \(site.clockOffsetMilliseconds) ms")
        } else {
            note("restart \(site.name)")
        }
        try site.start()
    }

    private func linkName(_ index: Int) -> String {
        "\(sites[proxies[index].from].name)->\(sites[proxies[index].to].name)"
    }

    private func healAndVerify(_ ledger: Ledger) throws -> [String] {
        var recoveries: [String] = []
        for index in droppedPeers.keys.sorted() { try reconfigure(index, dropping: nil) }
        droppedPeers = [:]
        for entry in proxies { entry.proxy.mode = .pass }
        for site in sites { if let crash = site.reapCrash() { recoveries.append(crash) } }
        for site in sites where !site.isRunning { try site.start() }
        // With every link up, a restored site gets its changes back, and then its clock can be recovered.
        for index in pendingClockFixes.keys.sorted() { recoveries += try correctClock(index, postponable: false) ?? [] }
        pendingClockFixes = [:]
        note("healed: all links pass, all daemons running")
        let start = Date()
        var quiet = try converge()
        // Changes held because their stamps are ahead of a peer's clock (within minutes: a restored
        // site's first writes start half a bound ahead) apply by themselves once real time catches up.
        // Another round if the first ended still moving (changes held for their stamps were just released).
        let wait = quiet ? nil : try heldWait() ?? 0
        if let wait, wait <= 360 {
            if wait > 0 { note(String(format: "waiting %.0f s for held changes to come within the bound", wait)) }
            counts.heldWaitSeconds += wait
            usleep(useconds_t(wait * 1_000_000))
            quiet = try converge()
        }
        counts.convergeSeconds = Date().timeIntervalSince(start)
        for site in sites { if let crash = site.reapCrash() { recoveries.append(crash + " while the sites converged") } }
        for entry in proxies {
            let faults = entry.proxy.faultCounts
            counts.cutConnections += faults.cuts
            counts.refusedConnections += faults.refusals
            counts.tamperedValues += faults.tampered
        }
        let status = try sites[0].status()
        counts.changes = status.changeLogEntries
        // Every origin numbers its changes 1, 2, 3, ...: what is held but not in the log was compacted.
        // A restored site's numbering jumps by 2^32 (numbers never issued): counted by its remainder.
        let held = Int(status.holds.values.reduce(0) { $0 + $1 % (1 << 32) })
        counts.compacted = held - counts.changes
        for site in sites { site.stop() }
        var failures = recoveries + (quiet ? [] : ["the sites did not become quiet after two rounds of 8 sync passes"])
        failures += try Verification.sitesAgree(sites)
        failures += Verification.nothingStalled(sites)
        failures += try Verification.acknowledgedWritesSurvive(ledger, at: sites[0])
        return failures
    }

    /// How long until every change held for its stamp is within its holder's bound (seconds, with a
    /// margin); `nil` when none is held for that reason.
    private func heldWait() throws -> Double? {
        var longest: Int?
        for site in sites {
            for held in try site.status().heldOrigins {
                guard let ahead = held.aheadMilliseconds, let bound = held.boundMilliseconds else { continue }
                longest = max(longest ?? 0, Int(ahead) - Int(bound))
            }
        }
        return longest.map { Double(max($0, 0)) / 1_000 + 2 }
    }

    /// Whether a `sync now --json` reached every peer it can: a site behind NAT cannot be called.
    private func syncSucceeded(_ round: SiteCommandLine.SyncRound) -> Bool {
        if round.status == 0 { return true }
        guard let nat = natSite, let report = round.report else { return false }
        return report.peers.allSatisfy { $0.ok || $0.peer == sites[nat].name }
    }

    /// Syncs every site until a pass moves nothing and all hold the same (at most 8 passes).
    private func converge() throws -> Bool {
        var quiet = false
        for pass in 1...8 where !quiet {
            var moved = 0
            var allSucceeded = true
            for site in sites {
                let round = try site.syncNow()
                let peers = round.peers
                if !syncSucceeded(round) {
                    allSucceeded = false
                    let errors = peers.compactMap { peer in peer.error.map { "\(peer.peer): \($0)" } }
                    note(
                        "converge pass \(pass): sync now at \(site.name) -> exit \(round.status) "
                            + "\(errors.isEmpty ? round.stderr : errors.joined(separator: "; "))"
                    )
                }
                moved += peers.reduce(0) { $0 + $1.sent + $1.received }
            }
            // The daemons keep syncing on their own meanwhile: a pass that moved nothing is quiet only
            // if every site holds the same changes (a daemon may have just moved something).
            let holdings = try Set(
                sites.map { try $0.status().holds })
            note("converge pass \(pass): moved \(moved), all ok: \(allSucceeded), distinct holdings: \(holdings.count)")
            quiet = allSucceeded && moved == 0 && holdings.count == 1
        }
        return quiet
    }

    private func tearDown() {
        for site in sites {
            site.kill()
            site.watchdog.close()
        }
        for entry in proxies { entry.proxy.close() }
        LoopbackPorts.release(sites.flatMap { [$0.port, $0.metricsPort] } + proxies.map(\.proxy.port))
    }
}

enum ChaosError: Error, CustomStringConvertible {
    case setup(String)

    var description: String {
        switch self {
        case let .setup(message): return message
        }
    }
}
