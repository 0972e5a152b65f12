import ClinicSyncCore

/// One change-log entry as `clinicsync changes` shows it.
package struct ChangeView: Codable, Sendable, Equatable {
    package var origin: String
    /// The origin's number of the change.
    package var sequence: Int64
    package var hlc: Int64
    package var timestamp: String
    package var table: String
    package var rowID: String
    /// `write` or `delete`.
    package var operation: String
    /// The fields written, by column; absent for a delete.
    package var values: [String: FieldValueView]?
    /// What the origin had seen when it wrote (a version vector), for changes made since version 2.
    package var seen: String?
    /// For a version-1 change: the stamp of the write it replaced.
    package var base: String?

    enum CodingKeys: String, CodingKey {
        case origin, hlc, timestamp, table, operation, values, seen, base
        case sequence = "seq"
        case rowID = "row_id"
    }
}

extension ChangeView {
    init(_ change: Change) {
        origin = change.origin.rawValue
        sequence = change.sequence
        hlc = change.timestamp.rawValue
        timestamp = change.timestamp.description
        table = change.table.rawValue
        rowID = change.rowID.rawValue
        operation = change.isDelete ? "delete" : "write"
        values = change.isDelete ? nil : Dictionary(uniqueKeysWithValues: change.values.map { ($0.column.name, FieldValueView($0.value)) })
        switch change.knowledge {
        case let .vector(vector): (seen, base) = (vector.text, nil)
        case let .legacyBase(stamp): (seen, base) = (nil, stamp?.description)
        }
    }
}
