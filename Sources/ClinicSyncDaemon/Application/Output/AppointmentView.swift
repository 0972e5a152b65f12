import ClinicSyncCore
import ClinicSyncStore

/// An appointment as the CLI shows it. Fields are optional because a row is assembled from changes
/// that may arrive in any order (a field another site has not sent yet is absent).
package struct AppointmentView: Codable, Sendable, Equatable {
    package var id: String
    package var patientID: String?
    package var patientName: String?
    package var therapist: String?
    package var site: String?
    /// ISO 8601, UTC.
    package var startsAt: String?
    package var minutes: Int?
    package var units: Int?
    package var status: String?
    package var prescriptionID: String?
    /// What was or will be treated, folded (`left ankle`).
    package var bodyRegion: String?
    package var notes: String?

    enum CodingKeys: String, CodingKey {
        case id, therapist, site, minutes, units, status, notes
        case patientID = "patient_id"
        case patientName = "patient_name"
        case startsAt = "starts_at"
        case prescriptionID = "prescription_id"
        case bodyRegion = "body_region"
    }
}

extension AppointmentView {
    init(_ record: AppointmentRecord) {
        self.init(
            id: record.id, patientID: record.patientID, patientName: record.patientName, therapist: record.therapist,
            site: record.site, startsAt: record.startsAt, minutes: record.minutes, units: record.units, status: record.status,
            prescriptionID: record.prescriptionID, bodyRegion: record.bodyRegion.flatMap(BodyRegion.init(stored:))?.rawValue,
            notes: record.notes)
    }
}
