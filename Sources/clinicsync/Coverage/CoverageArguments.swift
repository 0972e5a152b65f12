import ArgumentParser
import ClinicSyncCore
import Foundation

/// `--covered yes|no` and the like: the allowed values are listed when another is given.
enum YesNo: String, CaseIterable, ExpressibleByArgument {
    case yes
    case no

    var isYes: Bool { self == .yes }
}

extension CoverageCheck.VisitLimitPeriod: ExpressibleByArgument {}

extension PlanYearStart: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }
}

extension ArgumentForm {
    static let planYearStart = "MM-DD, a day every year has (not 02-29), e.g. 07-01"
    static let yesNo = "yes or no"
}

enum CoverageDefaults {
    /// Who ran the command, for `checked_by`: the user behind sudo when there is one, else the
    /// login name, else the account the command runs as.
    static func operatorName() -> String? {
        let environment = ProcessInfo.processInfo.environment
        let named = [environment["SUDO_USER"], environment["USER"], environment["LOGNAME"]].compactMap { $0 }.first { !$0.isEmpty }
        return named ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) }
    }
}
