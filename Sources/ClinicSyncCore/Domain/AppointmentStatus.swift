/// Where an appointment stands.
package enum AppointmentStatus: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case scheduled
    case checkedIn = "checked_in"
    case completed
    case cancelled
    case noShow = "no_show"

    /// Parses the stored spelling, naming the allowed values when it is wrong.
    package init(parsing text: String) throws(ValidationError) {
        guard let status = AppointmentStatus(rawValue: text) else {
            throw ValidationError(field: "status", rule: "must be one of " + Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = status
    }

    /// Whether a visit in this state uses one of the prescription's authorised visits.
    package var countsAgainstPrescription: Bool { self != .cancelled && self != .noShow }

    package var description: String { rawValue }
}
