import ArgumentParser
import Foundation

/// `clinicsync-chaos`: randomized fault injection against real `clinicsync serve` processes.
@main
struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinicsync-chaos",
        abstract: "Run ClinicSync sites under partitions, cut connections, kill -9 and clock skew; verify convergence.",
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
    @Flag(help: "Also back sites up and restore them from their backups (lost disks). Off by default: it finds open problems (see issue 10's notes).")
    var restores = false

    func validate() throws {
        guard (3...5).contains(sites) else { throw ValidationError("--sites: must be 3 to 5") }
        guard topology == "mixed" || Topology(rawValue: topology) != nil else {
            throw ValidationError("--topology: must be mesh, line, star or mixed")
        }
        guard seeds > 0, steps > 0 else { throw ValidationError("--seeds and --steps must be positive") }
        guard compactionSeconds >= 0 else { throw ValidationError("--compaction-seconds: must be 0 or more") }
    }

    func run() throws {
        let count = ProcessInfo.processInfo.environment["CLINICSYNC_CHAOS_SEEDS"].flatMap(Int.init) ?? seeds
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("clinicsync").path
        var passed = 0
        var failedSeeds: [UInt64] = []
        var totals = ChaosRun.Counts()
        for offset in 0..<count {
            let seed = firstSeed + UInt64(offset)
            let shape = topology == "mixed" ? Topology.allCases[Int(seed % 3)] : Topology(rawValue: topology)!
            let root = NSTemporaryDirectory() + "clinicsync-chaos-\(seed)-\(UUID().uuidString.prefix(8))"
            defer { if !keep { try? FileManager.default.removeItem(atPath: root) } }
            let run = try ChaosRun(
                seed: seed, siteCount: sites, topology: shape, steps: steps, binary: executable, root: root,
                compactionSeconds: compactionSeconds, restores: restores)
            let failures = try run.execute()
            accumulate(&totals, run.counts)
            if failures.isEmpty {
                passed += 1
                print("seed \(seed) (\(shape)): ok — \(run.counts)")
                if verbose { for line in run.log { print("    \(line)") } }
            } else {
                failedSeeds.append(seed)
                print("seed \(seed) (\(shape)): FAILED" + (keep ? " (files in \(root))" : ""))
                for failure in failures { print("  ! \(failure)") }
                print("  schedule (replay with --first-seed \(seed) --seeds 1 --sites \(sites) --topology \(shape) --steps \(steps)):")
                for line in run.log { print("    \(line)") }
            }
        }
        print("chaos totals: \(totals)")
        print("chaos: \(passed) of \(count) seeds passed" + (failedSeeds.isEmpty ? "" : "; failed seeds: \(failedSeeds)"))
        if !failedSeeds.isEmpty { throw ExitCode.failure }
    }

    private func accumulate(_ totals: inout ChaosRun.Counts, _ run: ChaosRun.Counts) {
        totals.writes += run.writes; totals.changes += run.changes; totals.partitions += run.partitions
        totals.cuts += run.cuts; totals.delays += run.delays; totals.stalls += run.stalls; totals.kills += run.kills
        totals.clockSteps += run.clockSteps; totals.manualSyncs += run.manualSyncs
        totals.clockJumps += run.clockJumps; totals.clockRecoveries += run.clockRecoveries; totals.forgedPushes += run.forgedPushes
        totals.reloads += run.reloads; totals.tampers += run.tampers; totals.tamperedValues += run.tamperedValues
        totals.backups += run.backups; totals.restores += run.restores; totals.restoresRefused += run.restoresRefused
        totals.heldWaitSeconds += run.heldWaitSeconds
        totals.cutConnections += run.cutConnections; totals.refusedConnections += run.refusedConnections
        totals.compacted += run.compacted
        totals.resaves += run.resaves
        totals.convergeSeconds = max(totals.convergeSeconds, run.convergeSeconds)
    }
}
