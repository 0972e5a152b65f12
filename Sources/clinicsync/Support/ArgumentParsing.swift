import ArgumentParser
import ClinicSyncCore

/// Turns option strings into domain values, naming the flag when one is wrong.
enum Parse {
    static func value<T>(_ flag: String, _ body: () throws(ClinicSyncCore.ValidationError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ArgumentParser.ValidationError("\(flag): \(error.rule)")
        }
    }

    static func rowID(_ text: String, flag: String) throws -> RowID {
        try value(flag) { () throws(ClinicSyncCore.ValidationError) in try RowID(text) }
    }

    static func dateTime(_ text: String, flag: String) throws -> UTCDateTime {
        try value(flag) { () throws(ClinicSyncCore.ValidationError) in try UTCDateTime(text, field: flag) }
    }

    static func date(_ text: String, flag: String) throws -> CalendarDate {
        try value(flag) { () throws(ClinicSyncCore.ValidationError) in try CalendarDate(text, field: flag) }
    }

    static func status(_ text: String) throws -> AppointmentStatus {
        try value("--status") { () throws(ClinicSyncCore.ValidationError) in try AppointmentStatus(parsing: text) }
    }

    static func npi(_ text: String) throws -> NPI {
        try value("--npi") { () throws(ClinicSyncCore.ValidationError) in try NPI(text) }
    }

    static func icd10(_ texts: [String]) throws -> [ICD10Code] {
        try value("--icd10") { () throws(ClinicSyncCore.ValidationError) in
            var codes: [ICD10Code] = []
            for text in texts { codes.append(try ICD10Code(text)) }
            return codes
        }
    }

    /// An empty string clears an optional text field.
    static func optionalText(_ text: String) -> String? { text.isEmpty ? nil : text }
}
