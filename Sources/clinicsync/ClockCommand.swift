import ArgumentParser
import ClinicSyncCore
import ClinicSyncDaemon

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

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let recovery = try options.application().recoverClock()
            if options.json { return Output.json(recovery) }
            let before = Milliseconds(recovery.leadBeforeMilliseconds)
            guard let first = recovery.firstRestampedSequence else {
                return print("No change of this site is stamped beyond twice the drift bound (its newest is \(before) ahead); nothing to do.")
            }
            print("This site's newest change was \(before) ahead of the wall clock.")
            print("Re-stamped \(recovery.restamped) change(s) from #\(first) on; peers apply them at the next sync.")
            print(
                "Its newest change is now \(Milliseconds(recovery.leadAfterMilliseconds)) ahead. Take a new backup: an older one still has "
                    + "the old stamps."
            )
        }
    }
}
