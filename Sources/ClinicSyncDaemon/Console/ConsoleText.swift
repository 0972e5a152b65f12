import ClinicSyncCore
import Foundation

/// How the console words usage, scope and coverage (the CLI has its own wording for a terminal).
enum ConsoleText {
    /// Text echoed into an attribute without a combining mark joined to `" ' < > &`: swift-mustache
    /// escapes by character, and such a pair is one character it would not escape. Marks anywhere
    /// else (Devanagari, accents) are kept.
    static func attributeSafe(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let isMark = [.nonspacingMark, .spacingMark, .enclosingMark].contains(scalar.properties.generalCategory)
            if isMark, let previous = kept.last, "\"'<>&".unicodeScalars.contains(previous) { continue }
            kept.append(scalar)
        }
        return String(kept)
    }

    /// A stored start time in the clinic's zone, as people read it.
    static func clinicTime(_ startsAt: String?, in zone: TimeZone) -> String {
        guard let startsAt, let moment = try? UTCDateTime(startsAt, field: "starts_at") else { return startsAt ?? "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "HH:mm zzz"
        return formatter.string(from: Date(timeIntervalSince1970: Double(moment.secondsSinceEpoch)))
    }

    /// A name typed at sign-in, echoed back only when it could be an account's name.
    static func echoedName(_ name: String) -> String {
        (try? ConsoleAccount(name: name, role: .frontdesk)).map(\.name) ?? ""
    }

    /// A stored value as a person reads it.
    static func value(_ value: FieldValue?) -> String {
        switch value {
        case nil, .null?: return "(empty)"
        case let .integer(number)?: return String(number)
        case let .text(text)?: return text
        }
    }

    /// The wall-clock time of a hybrid timestamp (milliseconds in its upper bits) in `zone`.
    static func time(hlc: Int64, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return formatter.string(from: Date(timeIntervalSince1970: Double(hlc >> 16) / 1000))
    }

    static func usage(_ usage: PrescriptionUsageView) -> String {
        let authorized = usage.visitsAuthorized.map { "\($0) visits authorized" } ?? "unlimited visits"
        let remaining = usage.remaining.map { ", \($0) remaining" } ?? ""
        return "\(authorized): \(usage.scheduled) scheduled, \(usage.completed) completed, \(usage.noShows) no-shows, "
            + "\(usage.cancelled) cancelled\(remaining); expires in \(usage.daysUntilExpiry) days"
    }

    static func scope(_ prescription: PrescriptionView) -> String {
        var parts: [String] = []
        if let rule = prescription.usage?.frequency {
            parts.append("at most \(rule.rule) (\(rule.visits) in the period from \(rule.periodFirst))")
        } else if let rule = prescription.frequencyRule {
            parts.append("at most \(rule)")
        } else {
            parts.append(prescription.frequency.map { "frequency \"\($0)\" (not a rule ClinicSync checks)" } ?? "no frequency limit")
        }
        parts.append(prescription.bodyRegions.isEmpty ? "any region" : "regions: " + prescription.bodyRegions.joined(separator: ", "))
        if let letter = prescription.usage?.letter {
            switch (letter.receivedOn, letter.requiredBy) {
            case (nil, nil): parts.append("no letter of medical necessity required")
            case let (received?, _): parts.append("letter of medical necessity received \(received)")
            case (nil, _?): parts.append("letter of medical necessity REQUIRED, not received")
            }
        }
        return parts.joined(separator: "; ")
    }

    static func coverage(_ coverage: PayerCoverageView) -> String {
        guard let check = coverage.check else { return "\(coverage.payer): no coverage check valid today" }
        let covered = check.covered == true ? "covered" : "NOT covered"
        let limit =
            coverage.visitLimit.map { "\(coverage.visitsInPeriod ?? 0) of \($0) visits used" } ?? "\(coverage.visitsInPeriod ?? 0) visits, no limit"
        let period = "\(coverage.periodFirst ?? "…") to \(coverage.periodLast ?? "…")"
        return "\(coverage.payer): \(covered), checked \(check.checkedOn ?? "-"); \(limit) (\(period))"
    }
}
