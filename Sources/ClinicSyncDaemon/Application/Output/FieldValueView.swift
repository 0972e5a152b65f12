package import ClinicSyncCore

/// A field value as JSON: null, a number or a string.
package struct FieldValueView: Codable, Sendable, Equatable {
    package let value: FieldValue

    init(_ value: FieldValue) {
        self.value = value
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let number = try? container.decode(Int64.self) {
            value = .integer(number)
        } else {
            value = .text(try container.decode(String.self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case let .integer(number): try container.encode(number)
        case let .text(text): try container.encode(text)
        }
    }
}
