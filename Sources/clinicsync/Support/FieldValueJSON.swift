import ClinicSyncCore

/// A field value as JSON: null, a number or a string.
struct FieldValueJSON: Encodable {
    let value: FieldValue

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case let .integer(number): try container.encode(number)
        case let .text(text): try container.encode(text)
        }
    }
}
