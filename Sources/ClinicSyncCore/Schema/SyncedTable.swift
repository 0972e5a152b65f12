/// The tables whose rows are synchronised between sites.
///
/// This is the single list of what may travel between sites: a change naming any other table or
/// column is refused, and table and column names reach SQL only from these constants.
package enum SyncedTable: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case appointments
    case prescriptions

    /// The version of the synchronised tables' shape (their tables, columns and value types) that
    /// peers compare before exchanging changes. It changes only when that shape does, never for a
    /// local migration such as a new index, so upgraded and older sites keep syncing.
    package static let schemaVersion = 1

    /// The table's number in the change log (compact, and stable forever).
    package var code: Int {
        switch self {
        case .appointments: return 1
        case .prescriptions: return 2
        }
    }

    /// The table with change-log number `code`.
    package init?(code: Int) {
        guard let table = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = table
    }

    /// The synchronised columns, in schema order. The primary key `id` is the change's row id.
    package var columns: [SyncedColumn] {
        switch self {
        case .appointments: return SyncedColumn.appointmentColumns
        case .prescriptions: return SyncedColumn.prescriptionColumns
        }
    }

    /// The column called `name`, if the table has one.
    package func column(named name: String) -> SyncedColumn? {
        columns.first { $0.name == name }
    }

    package var description: String { rawValue }
}

/// A synchronised column and the SQLite type its values take.
package struct SyncedColumn: Hashable, Sendable, CustomStringConvertible {
    /// The kind of value a column holds.
    package enum ValueType: Sendable {
        case text
        case integer
    }

    /// The table the column belongs to.
    package let table: SyncedTable
    /// The column's SQL name, also its JSON field name.
    package let name: String
    /// The column's position among its table's synchronised columns (0-based), which is also its
    /// bit in a change-log entry's column mask and its value slot `v<position>`.
    package let position: Int
    /// The type of its non-null values.
    package let type: ValueType
    /// For enumerated columns, the only text values allowed.
    package let allowedValues: [String]?

    init(table: SyncedTable, name: String, position: Int, type: ValueType, allowedValues: [String]? = nil) {
        self.table = table
        self.name = name
        self.position = position
        self.type = type
        self.allowedValues = allowedValues
    }

    /// Whether `value` may be stored in this column: NULL, or a value of the column's type.
    package func accepts(_ value: FieldValue) -> Bool {
        switch (value, type) {
        case (.null, _), (.integer, .integer): return true
        case let (.text(text), .text): return allowedValues?.contains(text) ?? true
        default: return false
        }
    }

    package var description: String { "\(table).\(name)" }

    static let appointmentColumns: [SyncedColumn] =
        ([
            ("patient_id", .text), ("patient_name", .text), ("therapist", .text), ("site", .text),
            ("starts_at", .text), ("minutes", .integer), ("units", .integer), ("status", .text),
            ("prescription_id", .text), ("notes", .text),
        ] as [(String, ValueType)]).enumerated().map { position, column in
            SyncedColumn(
                table: .appointments, name: column.0, position: position, type: column.1,
                allowedValues: column.0 == "status" ? AppointmentStatus.allCases.map(\.rawValue) : nil)
        }

    static let prescriptionColumns: [SyncedColumn] =
        ([
            ("patient_id", .text), ("patient_name", .text), ("prescriber", .text), ("prescriber_npi", .text),
            ("diagnosis", .text), ("icd10_codes", .text), ("visits_authorized", .integer),
            ("units_per_visit", .integer), ("frequency", .text), ("body_region", .text),
            ("issued_on", .text), ("expires_on", .text), ("payer", .text), ("member_id", .text), ("notes", .text),
        ] as [(String, ValueType)]).enumerated().map { position, column in
            SyncedColumn(table: .prescriptions, name: column.0, position: position, type: column.1)
        }

    /// The most synchronised columns any table has: the change log's value slots.
    package static let maximumPerTable = SyncedTable.allCases.map(\.columns.count).max()!
}
