/// A visit booked at one site, possibly billed against a prescription.
package struct Appointment: Hashable, Sendable {
    package var id: RowID
    package var patientID: String
    package var patientName: String
    package var therapist: String
    /// The site where the visit takes place.
    package var site: String
    package var startsAt: UTCDateTime
    package var minutes: Int
    /// 15-minute billing units.
    package var units: Int
    package var status: AppointmentStatus
    package var prescriptionID: RowID?
    /// What was or will be treated; `nil`: not recorded.
    package var bodyRegion: BodyRegion?
    package var notes: String?

    /// Builds an appointment; call ``validate()`` before storing it.
    package init(
        id: RowID, patientID: String, patientName: String, therapist: String, site: String,
        startsAt: UTCDateTime, minutes: Int, units: Int? = nil, status: AppointmentStatus = .scheduled,
        prescriptionID: RowID? = nil, bodyRegion: BodyRegion? = nil, notes: String? = nil
    ) {
        self.id = id
        self.patientID = patientID
        self.patientName = patientName
        self.therapist = therapist
        self.site = site
        self.startsAt = startsAt
        self.minutes = minutes
        self.units = units ?? BillingUnits.forTreatment(minutes: minutes)
        self.status = status
        self.prescriptionID = prescriptionID
        self.bodyRegion = bodyRegion
        self.notes = notes
    }

    /// Checks the rules that involve only this appointment.
    package func validate() throws(ValidationError) {
        try Require.nonEmpty(patientID, "patient_id")
        try Require.nonEmpty(patientName, "patient_name")
        try Require.nonEmpty(therapist, "therapist")
        try Require.nonEmpty(site, "site")
        guard (1...1440).contains(minutes) else {
            throw ValidationError(field: "minutes", rule: "must be between 1 and 1440")
        }
        guard (0...96).contains(units) else {
            throw ValidationError(field: "units", rule: "must be between 0 and 96 (15-minute units in a day)")
        }
    }

    /// Checks that the linked prescription exists and belongs to the same patient.
    /// - Parameter prescription: the prescription `prescriptionID` names, or `nil` if none was found.
    package func validateLink(to prescription: Prescription?) throws(ValidationError) {
        guard let prescriptionID else { return }
        guard let prescription, prescription.id == prescriptionID else {
            throw ValidationError(field: "prescription_id", rule: "no prescription with id \(prescriptionID) exists at this site")
        }
        guard prescription.patientID == patientID else {
            throw ValidationError(field: "prescription_id", rule: "prescription \(prescriptionID) belongs to a different patient")
        }
    }

    /// The stored value of every synchronised column.
    package var fieldValues: [SyncedColumn: FieldValue] {
        let values: [String: FieldValue] = [
            "patient_id": .text(patientID), "patient_name": .text(patientName), "therapist": .text(therapist),
            "site": .text(site), "starts_at": .text(startsAt.description), "minutes": .integer(Int64(minutes)),
            "units": .integer(Int64(units)), "status": .text(status.rawValue),
            "prescription_id": prescriptionID.map { .text($0.rawValue) } ?? .null,
            "notes": notes.map(FieldValue.text) ?? .null, "body_region": bodyRegion.map { .text($0.rawValue) } ?? .null,
        ]
        return Dictionary(uniqueKeysWithValues: SyncedTable.appointments.columns.map { ($0, values[$0.name]!) })
    }
}

enum Require {
    static func nonEmpty(_ text: String, _ field: String) throws(ValidationError) {
        guard !text.trimmingWhitespace.isEmpty else {
            throw ValidationError(field: field, rule: "must not be empty")
        }
        guard text.count <= 500 else {
            throw ValidationError(field: field, rule: "must be at most 500 characters")
        }
    }
}
