import ArgumentParser
import ClinicSyncDaemon
import ClinicSyncStore

/// `clinicsync clock ...`: the site's clock.
struct ClockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "Bring the site's clock back after its wall clock ran fast.",
        subcommands: [ClockRecoverCommand.self])
}

/// `clinicsync clock recover`
struct ClockRecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Re-stamp this site's changes made while its wall clock ran fast, so peers stop holding them.",
        discussion: """
            Run it after the wall clock has been corrected (NTP), with the daemon stopped. The site's \
            changes stamped further ahead than any site of the fleet accepts (more than twice the drift \
            bound, so none can hold them) get new timestamps from now on, in the same order and after \
            every other change; the clock comes back with them; start the daemon and peers apply them at \
            the next sync. Changes within twice the bound keep their stamps: peers accept them, at once \
            or once real time catches up. Nothing is changed if a site reports holding one of them, or if \
            the clock would still be beyond twice the bound.
            """)

    @OptionGroup var options: GlobalOptions

    struct Report: Encodable {
        let lead_before_ms: UInt64
        let restamped: Int
        let first_restamped_seq: Int64?
        let lead_after_ms: UInt64
    }

    func run() throws {
        try reportingFailures {
            let recovery = try ClockRecover.run(configuration: try options.loadConfiguration())
            if options.json {
                return try Output.json(Report(
                    lead_before_ms: recovery.leadBefore.value, restamped: recovery.restamped, first_restamped_seq: recovery.firstRestamped,
                    lead_after_ms: recovery.leadAfter.value))
            }
            guard let first = recovery.firstRestamped else {
                return print("No change of this site is stamped beyond twice the drift bound (its newest is \(recovery.leadBefore) ahead); nothing to do.")
            }
            print("This site's newest change was \(recovery.leadBefore) ahead of the wall clock.")
            print("Re-stamped \(recovery.restamped) change(s) from #\(first) on; peers apply them at the next sync.")
            print("Its newest change is now \(recovery.leadAfter) ahead. Take a new backup: an older one still has the old stamps.")
        }
    }
}
