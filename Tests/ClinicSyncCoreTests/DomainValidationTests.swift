import ClinicSyncCore
import PropertyBased
import Testing

@Suite("Domain validation")
struct DomainValidationTests {
    @Test("ICD-10-CM shapes", arguments: ["M54.50", "M79.1", "m54.5", "S13.4XXA", "Z00", "U07.1"])
    func validICD10(code: String) throws {
        #expect(try ICD10Code(code).rawValue == code.uppercased())
    }

    @Test("malformed ICD-10 codes name the field", arguments: ["", "54.50", "M5", "M54.", "M54.123456", "M54-50", "MM4.1"])
    func invalidICD10(code: String) {
        #expect(throws: ValidationError.self) { try ICD10Code(code) }
        #expect((try? ICD10Code(code)) == nil)
        do { _ = try ICD10Code(code) } catch { #expect(error.field == "icd10_codes") }
    }

    @Test("ICD-10 lists survive their stored form")
    func icd10ListRoundTrip() throws {
        let codes = try ["M54.50", "M79.1"].map(ICD10Code.init)
        #expect(ICD10Code.encodeList(codes) == #"["M54.50","M79.1"]"#)
        #expect(try ICD10Code.decodeList(ICD10Code.encodeList(codes)) == codes)
        #expect(throws: ValidationError.self) { try ICD10Code.decodeList("M54.50") }
    }

    @Test("NPI check digit (Luhn with prefix 80840)")
    func npi() throws {
        #expect(try NPI("1234567893").rawValue == "1234567893")
        for wrong in ["1234567890", "123456789", "12345678931", "12345a7893", ""] {
            #expect(throws: ValidationError.self) { try NPI(wrong) }
        }
    }

    @Test("every nine-digit body has exactly one valid check digit")
    func npiCheckDigitUnique() async {
        await propertyCheck(count: 200, input: Gen.int(in: 100_000_000...999_999_999)) { body in
            let valid = (0...9).filter { (try? NPI("\(body)\($0)")) != nil }
            #expect(valid.count == 1)
        }
    }

    @Test("calendar dates must exist")
    func dates() throws {
        #expect(try CalendarDate("2028-02-29", field: "issued_on").description == "2028-02-29")
        for bad in ["2026-02-29", "2026-13-01", "2026-04-31", "26-01-01", "2026-1-01", "yesterday", "1899-12-31"] {
            #expect(throws: ValidationError.self, "\(bad)") { try CalendarDate(bad, field: "issued_on") }
        }
    }

    @Test("days since the epoch round-trip for every date from 1900 to 2200")
    func dayArithmetic() async {
        await propertyCheck(count: 500, input: Gen.int(in: -25_567...84_000)) { days in
            let date = CalendarDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect((try? CalendarDate(date.description, field: "d")) == date)
        }
    }

    @Test("date-times are normalised to UTC")
    func dateTimes() throws {
        #expect(try UTCDateTime("2026-11-27T09:30:00-05:00", field: "starts_at").description == "2026-11-27T14:30:00Z")
        #expect(try UTCDateTime("2026-12-31T23:30+01:00", field: "starts_at").description == "2026-12-31T22:30:00Z")
        #expect(try UTCDateTime("2026-11-27T14:30:00Z", field: "starts_at").description == "2026-11-27T14:30:00Z")
        // Every spelling another program may store reads back (fractions are dropped).
        #expect(try UTCDateTime("2026-12-02T15:00:00.000Z", field: "starts_at").description == "2026-12-02T15:00:00Z")
        #expect(try UTCDateTime("2026-12-02t10:00:00.5-05:00", field: "starts_at").description == "2026-12-02T15:00:00Z")
        #expect(try UTCDateTime("2026-12-02 15:00:00z", field: "starts_at").description == "2026-12-02T15:00:00Z")
        for bad in [
            "2026-11-27T14:30:00", "2026-11-27", "2026-11-27T25:00:00Z", "2026-02-30T10:00:00Z", "noon",
            "2026-11-27T14:30.5Z", "2026-11-27T14:30:00.Z", "2026-11-27T14:30:00.1x0Z", "2026-11-27T1:30:00Z",
        ] {
            #expect(throws: ValidationError.self, "\(bad)") { try UTCDateTime(bad, field: "starts_at") }
        }
    }

    @Test("billing units follow the 8-minute rule")
    func billingUnits() {
        #expect([7, 8, 22, 23, 37, 38, 60].map(BillingUnits.forTreatment(minutes:)) == [0, 1, 1, 2, 2, 3, 4])
    }

    @Test("a prescription may not expire before it is issued, and needs a code")
    func prescriptionRules() throws {
        var prescription = Prescription(
            id: try RowID("00000000-0000-4000-8000-000000000001"), patientID: "p1", patientName: "N",
            prescriber: "Dr", prescriberNPI: try NPI("1234567893"), diagnosis: "d", icd10Codes: [try ICD10Code("M54.50")],
            issuedOn: try CalendarDate("2026-11-01", field: "issued_on"),
            expiresOn: try CalendarDate("2026-10-01", field: "expires_on"), payer: "P", memberID: "M")
        #expect(throws: ValidationError(field: "expires_on", rule: "must not be before issued_on (2026-11-01)")) {
            try prescription.validate()
        }
        prescription.expiresOn = prescription.issuedOn
        try prescription.validate()
        prescription.icd10Codes = []
        #expect(throws: ValidationError.self) { try prescription.validate() }
    }

    @Test("an appointment's prescription must exist and belong to the same patient")
    func appointmentLink() throws {
        let prescription = Prescription(
            id: try RowID("00000000-0000-4000-8000-000000000001"), patientID: "p1", patientName: "N",
            prescriber: "Dr", prescriberNPI: try NPI("1234567893"), diagnosis: "d", icd10Codes: [try ICD10Code("M54.50")],
            issuedOn: try CalendarDate("2026-11-01", field: "i"), expiresOn: try CalendarDate("2026-12-01", field: "e"),
            payer: "P", memberID: "M")
        var appointment = Appointment(
            id: try RowID("00000000-0000-4000-8000-000000000002"), patientID: "p2", patientName: "N", therapist: "T",
            site: "s", startsAt: try UTCDateTime("2026-11-27T14:30:00Z", field: "s"), minutes: 30,
            prescriptionID: prescription.id)
        #expect(appointment.units == 2)
        #expect(throws: ValidationError.self) { try appointment.validateLink(to: prescription) }
        #expect(throws: ValidationError.self) { try appointment.validateLink(to: nil) }
        appointment.patientID = "p1"
        try appointment.validateLink(to: prescription)
        appointment.minutes = 0
        #expect(throws: ValidationError.self) { try appointment.validate() }
    }

    @Test("site ids and row ids")
    func identifiers() throws {
        #expect(try SiteID("downtown-2").rawValue == "downtown-2")
        for bad in ["", "Downtown", "-x", "a b", String(repeating: "a", count: 65)] {
            #expect(throws: ValidationError.self) { try SiteID(bad) }
        }
        #expect(try RowID("3F2B8C1E-8D4A-4C2E-9B1F-0A6D5E7C9B21").rawValue == "3f2b8c1e-8d4a-4c2e-9b1f-0a6d5e7c9b21")
        #expect(throws: ValidationError.self) { try RowID("3f2b8c1e8d4a4c2e9b1f0a6d5e7c9b21") }
    }

    @Test("remote changes are checked against their column")
    func changeValidation() throws {
        let site = try SiteID("s")
        let minutes = try #require(SyncedTable.appointments.column(named: "minutes"))
        let status = try #require(SyncedTable.appointments.column(named: "status"))
        let row = try RowID("00000000-0000-4000-8000-000000000002")
        let timestamp = HybridTimestamp(milliseconds: 10, counter: 0)
        func change(_ values: [ColumnValue], sequence: Int64 = 1, seen: VersionVector = VersionVector()) -> Change {
            Change(
                table: .appointments, rowID: row, operation: .write(values), origin: site, sequence: sequence,
                timestamp: timestamp, knowledge: .vector(seen))
        }
        try change([ColumnValue(minutes, .integer(30))]).validate()
        #expect(throws: ValidationError.self) { try change([ColumnValue(minutes, .text("30"))]).validate() }
        #expect(throws: ValidationError.self) { try change([ColumnValue(status, .text("lost"))]).validate() }
        #expect(throws: ValidationError.self) { try change([]).validate() }
        #expect(throws: ValidationError.self) { try change([ColumnValue(minutes, .integer(1)), ColumnValue(minutes, .integer(2))]).validate() }
        #expect(throws: ValidationError.self) { try change([ColumnValue(minutes, .integer(1))], sequence: 0).validate() }
        #expect(throws: ValidationError.self) { try change([ColumnValue(minutes, .integer(1))], seen: VersionVector([site: 3])).validate() }
        // A restored site's change names how far it holds its own lower blocks, never its own block.
        let restored = Change.numberingBlockSize + 2
        try change([ColumnValue(minutes, .integer(1))], sequence: restored, seen: VersionVector([site: 3])).validate()
        #expect(throws: ValidationError.self) {
            try change([ColumnValue(minutes, .integer(1))], sequence: restored, seen: VersionVector([site: restored - 1])).validate()
        }
        let legacy = Change(
            table: .appointments, rowID: row, operation: .delete, origin: site,
            sequence: Change.legacySequence(for: timestamp), timestamp: timestamp,
            knowledge: .legacyBase(WriteStamp(timestamp, site)))
        #expect(throws: ValidationError.self) { try legacy.validate() }
    }
}
