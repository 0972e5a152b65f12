import Testing

@testable import ClinicSyncCore

@Suite("Treated body regions")
struct BodyRegionTests {
    @Test(
        "regions compare without case and with runs of spaces as one",
        arguments: [("left ankle", "Left Ankle"), ("lower back", "  lower \t BACK "), ("c-spine (upper)", "C-Spine (Upper)")])
    func folded(_ pair: (String, String)) throws {
        #expect(try BodyRegion(pair.0) == BodyRegion(pair.1))
        #expect(try BodyRegion(pair.1).rawValue == pair.0)
    }

    @Test(
        "a typed region must have the documented form; the message states it without echoing the input",
        arguments: ["", "   ", "neck, shoulders", "\"neck\"", "back\\neck", "neck;", String(repeating: "a", count: 61), "knee\u{0}"])
    func refused(_ text: String) {
        #expect(throws: ValidationError(field: "body_region", rule: "must be \(BodyRegion.form); list several regions one at a time")) {
            try BodyRegion(text)
        }
    }

    @Test("every common name is a region in its folded form, and 60 characters are allowed")
    func commonNames() throws {
        for name in BodyRegion.commonNames { #expect(try BodyRegion(name).rawValue == name) }
        #expect(Set(BodyRegion.commonNames).count == BodyRegion.commonNames.count)
        #expect(try BodyRegion(String(repeating: "é", count: 60)).rawValue.count == 60)
    }

    @Test("stored text is folded and never refused: a JSON list with any escapes, or else the whole text as one region; blank is none")
    func stored() throws {
        #expect(BodyRegion(stored: "Neck, Shoulders")?.rawValue == "neck, shoulders")
        #expect(BodyRegion(stored: "  ") == nil)
        let cases: [(String, Set<String>)] = [
            (#"[ "Neck","neck" , "", "left ankle"]"#, ["neck", "left ankle"]), ("[]", []), (" [ ] ", []), ("left ankle", ["left ankle"]),
            (#"["neck, upper"]"#, ["neck, upper"]), (#"["a \"b\" \\ c\u00e9\ud83d\ude00"]"#, [#"a "b" \ cé😀"#]), (#"["neck""#, [#"["neck""#]),
            (#"["bad \x"]"#, [#"["bad \x"]"#]), (#"["lone \ud83d"]"#, [#"["lone \ud83d"]"#]), ("", []),
        ]
        for (text, regions) in cases {
            #expect(Set(BodyRegion.storedList(text).map(\.rawValue)) == regions, "\(text)")
        }
        // What is written reads back as itself, escapes and all.
        for regions in cases.map(\.1) {
            let set = Set(regions.compactMap(BodyRegion.init(stored:)))
            #expect(BodyRegion.storedList(BodyRegion.encodeList(set)) == set)
        }
        #expect(BodyRegion.encodeList([try BodyRegion("neck"), try BodyRegion("left ankle")]) == #"["left ankle","neck"]"#)
        // Every escape JSON has; folding then takes the whitespace ones as spaces.
        #expect(BodyRegion.storedList(#"["a\/b\bc\fd\ne\rf\tg"]"#).map(\.rawValue) == ["a/b\u{8}c d e f g"])
        #expect(BodyRegion.storedList(#"["\u+041"]"#).map(\.rawValue) == [#"["\u+041"]"#], "a sign is not a hex digit")
        let control = Set([BodyRegion(stored: "a\u{8}b\u{1}\"\\")!])
        #expect(BodyRegion.encodeList(control) == #"["a\u0008b\u0001\"\\"]"#)
        #expect(BodyRegion.storedList(BodyRegion.encodeList(control)) == control)
    }

    @Test("a list given as a new value must be a JSON array of regions of the documented form")
    func typedList() throws {
        #expect(try BodyRegion.typedList(#"["Neck", "left  ankle"]"#) == [BodyRegion("neck"), BodyRegion("left ankle")])
        for text in ["neck", #"["neck; back"]"#, #"["neck""#, "[1]"] {
            #expect(throws: ValidationError.self, "\(text)") { try BodyRegion.typedList(text) }
        }
    }

    @Test("a prescription's new frequency must be a rule; text it held before is not judged again")
    func prescriptionFrequency() throws {
        var prescription = Prescription(
            id: try RowID("3f2b8c1e-8d4a-4c2e-9b1f-0a6d5e7c9b21"), patientID: "p1", patientName: "P", prescriber: "Dr",
            prescriberNPI: try NPI("1234567893"), diagnosis: "d", icd10Codes: [try ICD10Code("M54.50")], frequency: "2 per week",
            issuedOn: try CalendarDate("2026-11-01", field: "issued_on"), expiresOn: try CalendarDate("2027-01-01", field: "expires_on"),
            payer: "Aetna", memberID: "W1")
        try prescription.validateWrite(replacing: nil)
        #expect(prescription.frequencyRule == VisitFrequency(count: 2, period: .week))
        var legacy = prescription
        legacy.frequency = "2x/week for 6 weeks"
        #expect(throws: ValidationError.self) { try legacy.validateWrite(replacing: nil) }
        #expect(throws: ValidationError.self) { try legacy.validateWrite(replacing: prescription) }
        try legacy.validate()
        var edited = legacy
        edited.notes = "seen"
        try edited.validateWrite(replacing: legacy)
        #expect(edited.frequencyRule == nil)
        edited.lmnReference = " "
        #expect(throws: ValidationError(field: "lmn_reference", rule: "must not be empty")) { try edited.validateWrite(replacing: legacy) }
    }
}

@Suite("Values given to a column directly")
struct GivenValueTests {
    @Test("a conflict's given value is stored as the CLI's options store it, and refused as they would refuse it")
    func canonical() throws {
        func given(_ table: SyncedTable, _ column: String, _ text: String) throws(ValidationError) -> FieldValue {
            try table.column(named: column)!.canonicalGiven(.text(text))
        }
        #expect(try given(.appointments, "body_region", "  Left  Ankle ") == .text("left ankle"))
        #expect(try given(.prescriptions, "body_regions", #"["Neck","neck", "left ankle"]"#) == .text(#"["left ankle","neck"]"#))
        #expect(try given(.prescriptions, "frequency", "twice weekly") == .text("2 per week"))
        #expect(try given(.prescriptions, "frequency", "as tolerated") == .text("as tolerated"), "judged by the row's rules")
        #expect(try given(.prescriptions, "icd10_codes", #"["m79.1","M54.50"]"#) == .text(#"["M79.1","M54.50"]"#))
        #expect(try given(.coverageChecks, "qualifying_icd10", #"["M79.1","M54.50","M79.1"]"#) == .text(#"["M54.50","M79.1"]"#))
        #expect(try given(.coverageChecks, "in_network_sites", #"["uptown","downtown"]"#) == .text(#"["downtown","uptown"]"#))
        #expect(try given(.appointments, "notes", " as typed ") == .text(" as typed "))
        for (table, column, text) in [
            (SyncedTable.appointments, "body_region", "neck; back"), (.prescriptions, "body_regions", "neck"),
            (.prescriptions, "icd10_codes", #"["back"]"#), (.coverageChecks, "in_network_sites", #"["Up Town"]"#),
        ] {
            #expect(throws: ValidationError.self, "\(column)") { try given(table, column, text) }
        }
    }
}
