/// Something in the merged tables that a person should look at.
package struct CoverageAlert: Hashable, Sendable {
    package enum Kind: String, CaseIterable, Comparable, Sendable {
        case overAuthorized = "over_authorized"
        case outsidePrescriptionDates = "outside_prescription_dates"
        case prescriptionOfOtherPatient = "prescription_of_other_patient"
        case unitsOverLimit = "units_over_limit"
        case therapistDoubleBooked = "therapist_double_booked"
        case patientDoubleBooked = "patient_double_booked"
        case outOfNetwork = "out_of_network"
        case coverageUnverified = "coverage_unverified"
        case notCovered = "not_covered"
        case expiringSoon = "expiring_soon"
        case outsidePrescribedRegion = "outside_prescribed_region"
        case overFrequency = "over_frequency"
        case missingMedicalNecessityLetter = "missing_medical_necessity_letter"

        package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Whether the alert counts visits against a limit, naming the latest ones beyond it: a
        /// visit booked earlier than those still makes the count exceed the limit.
        package var countsAgainstLimit: Bool { self == .overAuthorized || self == .overFrequency }
    }

    /// `kind-` and 16 hex digits of SHA-256 over the kind and the ids involved: the same at every
    /// site, and new when the ids involved change (so an acknowledgement no longer hides it).
    package var id: String
    package var kind: Kind
    package var patientID: String?
    package var prescriptionID: RowID?
    /// By start time, then id.
    package var appointmentIDs: [RowID]
    /// Sorted, without duplicates.
    package var sites: [String]
    /// Ids, dates, counts and the regions treated: never a patient's name, diagnosis or notes.
    package var message: String
    package var acknowledged: Bool
    /// What the alert is about, without the visits it names (the kind and the rows and dates that
    /// define it: a prescription and week, a visit and region; for double bookings, which have no
    /// identity but their visits, the kind alone): the same before and after a booking changes
    /// which visits are beyond a limit. Not part of any output.
    package var scope: [String]
}

/// Derives alert ids; the digest is injected, as the core does no cryptography of its own.
package struct AlertIdentity: Sendable {
    let sha256: @Sendable ([UInt8]) -> [UInt8]

    package init(sha256: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.sha256 = sha256
    }

    /// The id of an alert of `kind` about `parts` (row ids, and dates where they define it), in
    /// any order.
    package func id(_ kind: CoverageAlert.Kind, _ parts: [String]) -> String {
        let digest = sha256(Array(([kind.rawValue] + parts.sorted()).joined(separator: "\n").utf8))
        return kind.rawValue + "-" + shortDigest(digest)
    }
}
