import ArgumentParser
import ClinicSyncDaemon

/// `clinicsync patient ...`
struct PatientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient", abstract: "What the front desk needs about one patient, across every site.", subcommands: [PatientShow.self])
}

/// `clinicsync patient show PATIENT_ID`
struct PatientShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A patient's prescriptions with their usage, the coverage in force per payer with its period's usage, upcoming "
            + "appointments at every site and open alerts.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The patient's id.") var patientID: String

    func run() throws {
        try reportingFailures { () throws(ApplicationError) in
            let patient = try options.application().patient(id: patientID)
            if options.json { return Output.json(patient) }
            print("patient \(patient.patientID)")
            print("\nprescriptions")
            if patient.prescriptions.isEmpty { print("  none") }
            for prescription in patient.prescriptions {
                print("  \(prescription.id)  \(prescription.payer ?? "-")  \(prescription.issuedOn ?? "-") to \(prescription.expiresOn ?? "-")")
                if let usage = prescription.usage { print("    " + UsageText.summary(usage)) }
                print("    " + UsageText.scope(prescription))
            }
            print("\ncoverage")
            if patient.coverage.isEmpty { print("  none") }
            for coverage in patient.coverage {
                guard let check = coverage.check else {
                    print("  \(coverage.payer): no coverage check valid today")
                    continue
                }
                let covered = check.covered == true ? "covered" : "NOT covered"
                let limit =
                    coverage.visitLimit.map { "\(coverage.visitsInPeriod ?? 0) of \($0) visits used, \(coverage.visitsRemaining ?? 0) left" }
                    ?? "\(coverage.visitsInPeriod ?? 0) visits, no limit"
                let period = "\(coverage.periodFirst ?? "…") to \(coverage.periodLast ?? "…")"
                print("  \(coverage.payer): \(covered), checked \(check.checkedOn ?? "-") (\(check.id)); \(limit) in \(period)")
            }
            print("\nupcoming appointments")
            if patient.upcomingAppointments.isEmpty { print("  none") }
            for visit in patient.upcomingAppointments { print("  \(visit.startsAt)  \(visit.site)  \(visit.status)  \(visit.id)") }
            print("\nopen alerts")
            if patient.alerts.isEmpty { print("  none") }
            for alert in patient.alerts { print("  \(alert.id)\n    \(alert.message)") }
        }
    }
}

/// How text output spells a prescription's usage.
enum UsageText {
    static func summary(_ usage: PrescriptionUsageView) -> String {
        let authorized = usage.visitsAuthorized.map(String.init) ?? "unlimited"
        let remaining = usage.remaining.map { "\($0) remaining" } ?? "no limit"
        let units = usage.unitsAuthorized.map { "\(usage.unitsCompleted) of \($0) units" } ?? "\(usage.unitsCompleted) units"
        return "\(authorized) authorized: \(usage.scheduled) scheduled, \(usage.completed) completed, \(usage.noShows) no-shows, "
            + "\(usage.cancelled) cancelled, \(remaining); \(units) completed; expires in \(usage.daysUntilExpiry) days"
    }

    /// What the prescription allows: how often (with the current period's visits), where, and the letter.
    static func scope(_ prescription: PrescriptionView) -> String {
        let regions = prescription.bodyRegions.isEmpty ? "any region" : "regions " + prescription.bodyRegions.joined(separator: ", ")
        return [frequency(prescription), regions, prescription.usage.map { letter($0.letter) }].compactMap { $0 }.joined(separator: "; ")
    }

    static func frequency(_ prescription: PrescriptionView) -> String {
        if let rule = prescription.usage?.frequency {
            let period = rule.rule.hasSuffix("week") ? "week of \(rule.periodFirst)" : "month " + rule.periodFirst.prefix(7)
            return "at most \(rule.rule): \(rule.visits) in the \(period)"
        }
        if let rule = prescription.frequencyRule { return "at most \(rule)" }
        guard let text = prescription.frequency else { return "no frequency limit" }
        return "frequency \"\(text)\" is not a rule ClinicSync can check (set one with prescription update --frequency)"
    }

    static func letter(_ letter: PrescriptionUsageView.LetterStatusView) -> String {
        switch (letter.receivedOn, letter.requiredBy) {
        case (nil, nil): return "no letter of medical necessity (none required)"
        case let (received?, nil): return "letter of medical necessity received \(received)"
        case let (nil, check?): return "letter of medical necessity REQUIRED (coverage check \(check)), not received"
        case let (received?, check?): return "letter of medical necessity received \(received) (required by coverage check \(check))"
        }
    }
}
