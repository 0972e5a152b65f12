/// The tables whose rows are synchronised between sites.
///
/// This is the single list of what may travel between sites: a change naming any other table or
/// column is refused, and table and column names reach SQL only from these constants.
package enum SyncedTable: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case appointments
    case prescriptions
    /// What a payer confirmed on the phone (``CoverageCheck``).
    case coverageChecks = "coverage_checks"
    /// That someone saw an alert and dealt with it; it hides that alert at every site.
    case alertAcknowledgements = "alert_acknowledgements"
    /// How someone settled an entry of the conflict journal.
    case conflictReviews = "conflict_reviews"

    /// The version of the synchronised tables' shape (their tables, columns and value types) that
    /// peers compare before exchanging changes. It changes only when that shape does, never for a
    /// local migration such as a new index, so upgraded and older sites keep syncing.
    /// 2: coverage checks, alert acknowledgements and conflict reviews (migration v15).
    /// 3: treated regions, the letter of medical necessity and whether a payer requires it (migration v16).
    package static let schemaVersion = 3

    /// The table's number in the change log (compact, and stable forever).
    package var code: Int {
        switch self {
        case .appointments: return 1
        case .prescriptions: return 2
        case .coverageChecks: return 3
        case .alertAcknowledgements: return 4
        case .conflictReviews: return 5
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
        case .coverageChecks: return SyncedColumn.coverageCheckColumns
        case .alertAcknowledgements: return SyncedColumn.alertAcknowledgementColumns
        case .conflictReviews: return SyncedColumn.conflictReviewColumns
        }
    }

    /// The column called `name`, if the table has one.
    package func column(named name: String) -> SyncedColumn? {
        columns.first { $0.name == name }
    }

    package var description: String { rawValue }
}
