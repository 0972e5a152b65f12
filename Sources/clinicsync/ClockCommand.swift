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
            Run it after the wall clock has been corrected (NTP), with the daemon stopped, once every peer \
            has synced since the correction. Changes no other site holds yet get new timestamps from now \
            on, in the same order, and the clock comes back to the wall clock; start the daemon again and \
            peers apply them with the next sync. Changes another site already accepted keep their \
            timestamps (they are listed), and the clock stays ahead of them. Nothing is lost either way.
            """)

    @OptionGroup var options: GlobalOptions

    struct Report: Encodable {
        let lead_before_ms: UInt64
        let restamped: Int
        let first_restamped_seq: Int64?
        let kept_ahead: Int
        let held_elsewhere_by: [String]
        let lead_after_ms: UInt64
    }

    func run() throws {
        try reportingFailures {
            let recovery = try ClockRecover.run(configuration: try options.loadConfiguration())
            if options.json {
                return try Output.json(Report(
                    lead_before_ms: recovery.leadBefore.value, restamped: recovery.restamped, first_restamped_seq: recovery.firstRestamped,
                    kept_ahead: recovery.keptAhead, held_elsewhere_by: recovery.heldElsewhereBy.map(\.rawValue),
                    lead_after_ms: recovery.leadAfter.value))
            }
            guard recovery.restamped > 0 || recovery.keptAhead > 0 else {
                return print("The clock is not ahead of the wall clock (\(recovery.leadBefore)); nothing to do.")
            }
            print("The clock was \(recovery.leadBefore) ahead of the wall clock.")
            if let first = recovery.firstRestamped {
                print("Re-stamped \(recovery.restamped) change(s) from #\(first) on; peers apply them with the next sync.")
            }
            if recovery.keptAhead > 0 {
                print("\(recovery.keptAhead) change(s) stamped ahead are held already by \(recovery.heldElsewhereBy.map(\.rawValue).joined(separator: ", ")) and keep their timestamps.")
            }
            print(recovery.leadAfter.value == 0 ? "The clock is back to the wall clock." : "The clock stays \(recovery.leadAfter) ahead until real time catches up.")
        }
    }
}
