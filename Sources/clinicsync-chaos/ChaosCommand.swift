import ArgumentParser
import Foundation
import Synchronization

/// `clinicsync-chaos`: randomized fault injection against real `clinicsync serve` processes.
@main
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinicsync-chaos",
        abstract: "Run ClinicSync sites under partitions, cut connections, kill -9, clock faults, restores and hostile peers; verify convergence.",
        discussion: """
            Each seed is one reproducible schedule. On a failure the seed and the schedule's log are printed; \
            rerun with --first-seed SEED --seeds 1 to replay it. CLINICSYNC_CHAOS_SEEDS overrides --seeds \
            (long soak runs).
            """)

    @Option(help: "How many seeds to run.") var seeds = 3
    @Option(name: .customLong("first-seed"), help: "The first seed; the others follow it.") var firstSeed: UInt64 = 1
    @Option(help: "Sites per run (3 to 5).") var sites = 3
    @Option(help: "mesh, line or star; 'mixed' cycles through them.") var topology = "mixed"
    @Option(help: "Schedule steps per seed.") var steps = 60
    @Option(help: "The clinicsync binary (default: beside this one).") var binary: String?
    @Option(name: .customLong("compaction-seconds"), help: "Each daemon's compaction interval (0: off).") var compactionSeconds = 2
    @Flag(help: "Keep each run's directory (databases, logs) for inspection.") var keep = false
    @Flag(help: "Print every seed's schedule, passed or not.") var verbose = false
    @Flag(inversion: .prefixedNo, help: "Back sites up and restore them from their backups (lost disks).")
    var restores = true

    func validate() throws {
        guard (3...5).contains(sites) else { throw ValidationError("--sites: must be 3 to 5") }
        guard topology == "mixed" || Topology(rawValue: topology) != nil else {
            throw ValidationError("--topology: must be mesh, line, star or mixed")
        }
        guard seeds > 0, steps > 0 else { throw ValidationError("--seeds and --steps must be positive") }
        guard compactionSeconds >= 0 else { throw ValidationError("--compaction-seconds: must be 0 or more") }
        guard (1...8).contains(jobs) else { throw ValidationError("--jobs: must be 1 to 8") }
    }

    @Option(help: "Seeds run at once (each with its own sites and ports).") var jobs = 1

    func run() throws {
        let count = ProcessInfo.processInfo.environment["CLINICSYNC_CHAOS_SEEDS"].flatMap(Int.init) ?? seeds
        let executable =
            binary
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("clinicsync").path
        let tally = Mutex<(passed: Int, failed: [UInt64], totals: ChaosRun.Counts)>((0, [], ChaosRun.Counts()))
        let next = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<jobs {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let offset = next.add(1, ordering: .relaxed).oldValue
                    guard offset < count else { return }
                    let lines = runSeed(firstSeed + UInt64(offset), executable: executable, tally: tally)
                    // Unbuffered, whole seeds at a time: a long soak shows its progress as it goes.
                    tally.withLock { _ in FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
                }
            }
        }
        group.wait()
        let (passed, failedSeeds, totals) = tally.withLock { ($0.passed, $0.failed.sorted(), $0.totals) }
        print("chaos totals: \(totals)")
        print("chaos: \(passed) of \(count) seeds passed" + (failedSeeds.isEmpty ? "" : "; failed seeds: \(failedSeeds)"))
        if !failedSeeds.isEmpty { throw ExitCode.failure }
    }

    /// Runs one seed; returns what to print about it.
    private func runSeed(
        _ seed: UInt64, executable: String, tally: borrowing Mutex<(passed: Int, failed: [UInt64], totals: ChaosRun.Counts)>
    ) -> [String] {
        let shape = topology == "mixed" ? Topology.allCases[Int(seed % 3)] : Topology(rawValue: topology)!
        let root = NSTemporaryDirectory() + "clinicsync-chaos-\(seed)-\(UUID().uuidString.prefix(8))"
        var failed = true
        // A failed seed's files stay for inspection (timing-dependent failures may not replay).
        defer {
            if !keep && !failed {
                for attempt in 0..<3 { try? FileManager.default.removeItem(atPath: root + "-\(attempt)") }
            }
        }
        var attempt = 0
        let run: ChaosRun
        let failures: [String]
        while true {
            do {
                let candidate = try ChaosRun(
                    seed: seed, siteCount: sites, topology: shape, steps: steps, binary: executable, root: root + "-\(attempt)",
                    compactionSeconds: compactionSeconds, restores: restores)
                failures = try candidate.execute()
                run = candidate
                break
            } catch {
                // A port another job's process took between choosing it and binding it: run the seed again.
                attempt += 1
                if "\(error)".contains("Address already in use") || (error as? POSIXError)?.code == .EADDRINUSE, attempt < 3 { continue }
                tally.withLock { $0.failed.append(seed) }
                return ["seed \(seed) (\(shape)): FAILED to run: \(error)"]
            }
        }
        tally.withLock { accumulate(&$0.totals, run.counts) }
        if failures.isEmpty {
            failed = false
            tally.withLock { $0.passed += 1 }
            return ["seed \(seed) (\(shape)): ok — \(run.counts)"] + (verbose ? run.log.map { "    \($0)" } : [])
        }
        tally.withLock { $0.failed.append(seed) }
        return ["seed \(seed) (\(shape)): FAILED (files in \(root)-\(attempt))"]
            + failures.map { "  ! \($0)" }
            + ["  schedule (replay with --first-seed \(seed) --seeds 1 --sites \(sites) --topology \(shape) --steps \(steps)):"]
            + run.log.map { "    \($0)" }
    }

    private func accumulate(_ totals: inout ChaosRun.Counts, _ run: ChaosRun.Counts) {
        totals.writes += run.writes
        totals.changes += run.changes
        totals.partitions += run.partitions
        totals.cuts += run.cuts
        totals.delays += run.delays
        totals.stalls += run.stalls
        totals.kills += run.kills
        totals.clockSteps += run.clockSteps
        totals.manualSyncs += run.manualSyncs
        totals.clockJumps += run.clockJumps
        totals.clockRecoveries += run.clockRecoveries
        totals.forgedPushes += run.forgedPushes
        totals.reloads += run.reloads
        totals.tampers += run.tampers
        totals.tamperedValues += run.tamperedValues
        totals.backups += run.backups
        totals.restores += run.restores
        totals.restoresRefused += run.restoresRefused
        totals.heldWaitSeconds += run.heldWaitSeconds
        totals.natSites += run.natSites
        totals.impostorsRefused += run.impostorsRefused
        totals.cutConnections += run.cutConnections
        totals.refusedConnections += run.refusedConnections
        totals.compacted += run.compacted
        totals.resaves += run.resaves
        totals.convergeSeconds = max(totals.convergeSeconds, run.convergeSeconds)
    }
}
