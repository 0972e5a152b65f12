import ClinicSyncCore
import Foundation

/// A deleted row as `clinicsync deleted` shows it: when and where it was deleted, and its last values.
package struct DeletedRowView: Codable, Sendable, Equatable {
    package var table: String
    package var id: String
    /// The delete's wall-clock time, UTC.
    package var deletedAt: String
    package var deletedHLC: Int64
    /// The site that deleted it.
    package var deletedBy: String
    /// The row's last values, by column.
    package var values: [String: FieldValueView]

    enum CodingKeys: String, CodingKey {
        case table, id, values
        case deletedAt = "deleted_at"
        case deletedHLC = "deleted_hlc"
        case deletedBy = "deleted_by"
    }

    /// The table's columns in schema order (for a table this version does not know: none).
    package var columns: [String] {
        SyncedTable(rawValue: table)?.columns.map(\.name) ?? []
    }
}

extension DeletedRowView {
    init(_ row: RemovedRow) {
        table = row.table.rawValue
        id = row.rowID.rawValue
        let milliseconds = row.delete.timestamp.milliseconds
        deletedAt = Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
        deletedHLC = row.delete.timestamp.rawValue
        deletedBy = row.delete.origin.rawValue
        values = Dictionary(uniqueKeysWithValues: row.values.map { ($0.key.name, FieldValueView($0.value)) })
    }
}

/// What `clinicsync deleted restore` made: the new row, and the deleted one it came from.
package struct RestoredRowView: Codable, Sendable, Equatable {
    package var id: String
    package var restoredFrom: String
    package var table: String

    enum CodingKeys: String, CodingKey {
        case id, table
        case restoredFrom = "restored_from"
    }
}
