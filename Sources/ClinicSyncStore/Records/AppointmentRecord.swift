package import ClinicSyncCore
import GRDB

/// A row of `appointments` as stored. Fields are optional because a row is assembled from changes
/// that may arrive in any order; ``appointment()`` checks that it is complete.
package struct AppointmentRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "appointments"

    package var id: String
    package var patientID: String?
    package var patientName: String?
    package var therapist: String?
    package var site: String?
    package var startsAt: String?
    package var minutes: Int?
    package var units: Int?
    package var status: String?
    package var prescriptionID: String?
    package var notes: String?
    package var bodyRegion: String?

    /// Column names, which are also the JSON field names.
    package enum CodingKeys: String, CodingKey {
        case id, therapist, site, minutes, units, status, notes
        case patientID = "patient_id"
        case patientName = "patient_name"
        case startsAt = "starts_at"
        case prescriptionID = "prescription_id"
        case bodyRegion = "body_region"
    }

    /// The stored form of a validated appointment.
    package init(_ appointment: Appointment) {
        id = appointment.id.rawValue
        patientID = appointment.patientID
        patientName = appointment.patientName
        therapist = appointment.therapist
        site = appointment.site
        startsAt = appointment.startsAt.description
        minutes = appointment.minutes
        units = appointment.units
        status = appointment.status.rawValue
        prescriptionID = appointment.prescriptionID?.rawValue
        notes = appointment.notes
        bodyRegion = appointment.bodyRegion?.rawValue
    }

    /// The domain value, or an error naming the first missing or malformed field.
    package func appointment() throws(ValidationError) -> Appointment {
        Appointment(
            id: try RowID(id),
            patientID: try Stored.required(patientID, "patient_id"),
            patientName: try Stored.required(patientName, "patient_name"),
            therapist: try Stored.required(therapist, "therapist"),
            site: try Stored.required(site, "site"),
            startsAt: try UTCDateTime(Stored.required(startsAt, "starts_at"), field: "starts_at"),
            minutes: try Stored.required(minutes, "minutes"),
            units: try Stored.required(units, "units"),
            status: try AppointmentStatus(parsing: Stored.required(status, "status")),
            prescriptionID: try prescriptionID.map { text throws(ValidationError) in try RowID(text, field: "prescription_id") },
            bodyRegion: bodyRegion.flatMap(BodyRegion.init(stored:)),
            notes: notes)
    }
}

enum Stored {
    static func required<T>(_ value: T?, _ field: String) throws(ValidationError) -> T {
        guard let value else {
            throw ValidationError(field: field, rule: "is missing in the stored row (its change may not have arrived yet)")
        }
        return value
    }
}
