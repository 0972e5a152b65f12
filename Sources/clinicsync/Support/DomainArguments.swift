import ArgumentParser
import ClinicSyncCore
import Foundation

// Domain types parse themselves from arguments: an option typed `RowID` takes only a UUID, and
// ArgumentParser names the option and prints its help (which states the form) when a value is refused.

extension RowID: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }

    /// A new random id, for a row added without `--id`.
    static func new() -> RowID {
        // A UUID's text is a valid id by construction.
        try! RowID(UUID().uuidString)
    }
}

extension SiteID: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }
}

extension UTCDateTime: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument, field: "date-time") }
}

extension CalendarDate: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument, field: "date") }
}

extension NPI: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }
}

extension ICD10Code: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }
}

extension VisitFrequency: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }
}

extension BodyRegion: ExpressibleByArgument {
    package init?(argument: String) { try? self.init(argument) }
}

/// An option of an `update` command whose empty value clears the field.
enum Clearable<Value: ExpressibleByArgument>: ExpressibleByArgument {
    case clear
    case to(Value)

    init?(argument: String) {
        if argument.isEmpty {
            self = .clear
        } else if let value = Value(argument: argument) {
            self = .to(value)
        } else {
            return nil
        }
    }

    /// The new value; `nil` clears.
    var value: Value? {
        if case let .to(value) = self { return value }
        return nil
    }
}

/// The allowed values are listed when one is refused.
extension AppointmentStatus: ExpressibleByArgument {}

extension SyncedTable: ExpressibleByArgument {}

/// What a help text says about an option's form, so a refused value's message tells how to write it.
enum ArgumentForm {
    static let rowID = "a UUID such as 3f2b8c1e-8d4a-4c2e-9b1f-0a6d5e7c9b21"
    static let dateTime = "ISO 8601 with a zone, e.g. 2026-11-26T14:30:00Z or 2026-11-26T09:30:00-05:00"
    static let date = "YYYY-MM-DD, a real calendar date"
    static let npi = "the prescriber's 10-digit NPI (the 10th digit is a check digit)"
    static let icd10 = "an ICD-10-CM code such as M54.50 or M79.1; repeat for several"
    static let siteID = "1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit"
    static let frequency = "at most N visits a week or month: \(VisitFrequency.acceptedForms)"
    static let region = "\(BodyRegion.form), compared without case; common names: \(BodyRegion.commonNames.joined(separator: ", "))"
}

/// `--prescription ID|none` of `deleted restore`.
enum PrescriptionLinkArgument: ExpressibleByArgument {
    case none
    case to(RowID)

    init?(argument: String) {
        if argument == "none" {
            self = .none
        } else if let id = RowID(argument: argument) {
            self = .to(id)
        } else {
            return nil
        }
    }
}

/// `--prescription ID|""` of `appointment update`: an empty value unlinks.
enum PrescriptionChangeArgument: ExpressibleByArgument {
    case unlink
    case to(RowID)

    init?(argument: String) {
        if argument.isEmpty {
            self = .unlink
        } else if let id = RowID(argument: argument) {
            self = .to(id)
        } else {
            return nil
        }
    }

    /// The appointment's new link.
    var prescriptionID: RowID? {
        switch self {
        case .unlink: return nil
        case let .to(id): return id
        }
    }
}

/// An empty option value clears an optional text field.
func optionalText(_ text: String) -> String? { text.isEmpty ? nil : text }
