/// A doctor's prescription for treatment that an insurer pays against.
package struct Prescription: Hashable, Sendable {
    package var id: RowID
    package var patientID: String
    package var patientName: String
    package var prescriber: String
    package var prescriberNPI: NPI
    package var diagnosis: String
    /// One or more diagnosis codes.
    package var icd10Codes: [ICD10Code]
    /// Visits the payer authorised; `nil` means unlimited.
    package var visitsAuthorized: Int?
    /// Billing units allowed per visit; `nil` means no limit stated.
    package var unitsPerVisit: Int?
    /// How often visits may take place: a ``VisitFrequency`` in its stored form (`2 per week`), or
    /// text written before frequencies were rules (or by another program) that ``frequencyRule`` cannot read.
    package var frequency: String?
    /// Free text from before regions were a list (table schema 2); kept and shown, never checked.
    package var bodyRegion: String?
    /// The regions the prescriber allows treating; empty: any.
    package var bodyRegions: Set<BodyRegion>
    /// The day the letter of medical necessity arrived, if it has.
    package var lmnReceivedOn: CalendarDate?
    /// Where the scanned letter is kept.
    package var lmnReference: String?
    package var issuedOn: CalendarDate
    package var expiresOn: CalendarDate
    package var payer: String
    package var memberID: String
    package var notes: String?

    /// Builds a prescription; call ``validate()`` before storing it.
    package init(
        id: RowID, patientID: String, patientName: String, prescriber: String, prescriberNPI: NPI,
        diagnosis: String, icd10Codes: [ICD10Code], visitsAuthorized: Int? = nil, unitsPerVisit: Int? = nil,
        frequency: String? = nil, bodyRegion: String? = nil, bodyRegions: Set<BodyRegion> = [], lmnReceivedOn: CalendarDate? = nil,
        lmnReference: String? = nil, issuedOn: CalendarDate, expiresOn: CalendarDate, payer: String, memberID: String,
        notes: String? = nil
    ) {
        self.id = id
        self.patientID = patientID
        self.patientName = patientName
        self.prescriber = prescriber
        self.prescriberNPI = prescriberNPI
        self.diagnosis = diagnosis
        self.icd10Codes = icd10Codes
        self.visitsAuthorized = visitsAuthorized
        self.unitsPerVisit = unitsPerVisit
        self.frequency = frequency
        self.bodyRegion = bodyRegion
        self.bodyRegions = bodyRegions
        self.lmnReceivedOn = lmnReceivedOn
        self.lmnReference = lmnReference
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.payer = payer
        self.memberID = memberID
        self.notes = notes
    }

    /// The frequency as a rule, or `nil` when there is none or its text is not one.
    package var frequencyRule: VisitFrequency? {
        frequency.flatMap { text in try? VisitFrequency(text) }
    }

    /// Checks a write: the rules of ``validate()``, and a frequency must be a rule when it is new
    /// (differs from `previous`'s, or there is no `previous`). Text stored before frequencies were
    /// rules, or by another program, is kept and not judged again.
    package func validateWrite(replacing previous: Prescription?) throws(ValidationError) {
        try validate()
        if let frequency, frequency != previous?.frequency { _ = try VisitFrequency(frequency) }
    }

    /// Checks the rules that involve only this prescription as stored (any frequency text).
    package func validate() throws(ValidationError) {
        try Require.nonEmpty(patientID, "patient_id")
        try Require.nonEmpty(patientName, "patient_name")
        try Require.nonEmpty(prescriber, "prescriber")
        try Require.nonEmpty(diagnosis, "diagnosis")
        try Require.nonEmpty(payer, "payer")
        try Require.nonEmpty(memberID, "member_id")
        guard !icd10Codes.isEmpty else {
            throw ValidationError(field: "icd10_codes", rule: "at least one ICD-10 code is required")
        }
        if let visitsAuthorized, !(1...1000).contains(visitsAuthorized) {
            throw ValidationError(field: "visits_authorized", rule: "must be between 1 and 1000, or absent for unlimited")
        }
        if let unitsPerVisit, !(1...96).contains(unitsPerVisit) {
            throw ValidationError(field: "units_per_visit", rule: "must be between 1 and 96, or absent")
        }
        if let lmnReference { try Require.nonEmpty(lmnReference, "lmn_reference") }
        guard expiresOn >= issuedOn else {
            throw ValidationError(field: "expires_on", rule: "must not be before issued_on (\(issuedOn))")
        }
    }

    /// The stored value of every synchronised column.
    package var fieldValues: [SyncedColumn: FieldValue] {
        func optionalText(_ text: String?) -> FieldValue { text.map(FieldValue.text) ?? .null }
        func optionalInteger(_ number: Int?) -> FieldValue { number.map { .integer(Int64($0)) } ?? .null }
        let values: [String: FieldValue] = [
            "patient_id": .text(patientID), "patient_name": .text(patientName), "prescriber": .text(prescriber),
            "prescriber_npi": .text(prescriberNPI.rawValue), "diagnosis": .text(diagnosis),
            "icd10_codes": .text(ICD10Code.encodeList(icd10Codes)),
            "visits_authorized": optionalInteger(visitsAuthorized), "units_per_visit": optionalInteger(unitsPerVisit),
            "frequency": optionalText(frequency), "body_region": optionalText(bodyRegion),
            "issued_on": .text(issuedOn.description), "expires_on": .text(expiresOn.description),
            "payer": .text(payer), "member_id": .text(memberID), "notes": optionalText(notes),
            "body_regions": .text(BodyRegion.encodeList(bodyRegions)),
            "lmn_received_on": optionalText(lmnReceivedOn?.description), "lmn_reference": optionalText(lmnReference),
        ]
        return Dictionary(uniqueKeysWithValues: SyncedTable.prescriptions.columns.map { ($0, values[$0.name]!) })
    }
}
