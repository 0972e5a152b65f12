import ClinicSyncCore
import ClinicSyncDaemon
import Foundation

/// Writes command results as JSON or aligned text.
enum Output {
    /// Prints `value` as pretty JSON with sorted keys. Output models encode nothing that can fail.
    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } catch {
            preconditionFailure("an output model failed to encode: \(error)")
        }
    }

    /// Prints rows under a header, each column as wide as its widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// Prints `key: value` lines, keys aligned.
    static func fields(_ pairs: [(String, String?)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (value ?? "-"))
        }
    }

    /// A field value as text: empty for null (as a deleted row's values are shown).
    static func text(_ value: FieldValueView) -> String {
        if case .null = value.value { return "" }
        return value.value.description
    }
}
