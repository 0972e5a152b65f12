/// Every write a site acknowledged (its command exited 0), in the order they completed.
struct Ledger {
    struct Write: CustomStringConvertible {
        let site: String
        let table: String
        let row: String
        let column: String
        /// `nil`: set to NULL.
        let value: String?
        /// The change's number in the writing site's sequence (read right after the write).
        let sequence: Int64?

        var description: String { "\(site) set \(table).\(column) of \(row.prefix(8)) to \(value ?? "NULL")" }
    }

    private(set) var writes: [Write] = []
    private(set) var appointments: [String] = []
    private(set) var prescriptions: [String] = []
    private(set) var coverageChecks: [String] = []
    private(set) var deletes = 0

    mutating func created(_ table: String, _ row: String) {
        switch table {
        case "appointments": appointments.append(row)
        case "prescriptions": prescriptions.append(row)
        case "coverage_checks": coverageChecks.append(row)
        default: break
        }
    }

    mutating func wrote(site: String, table: String, row: String, column: String, value: String?, sequence: Int64?) {
        writes.append(Write(site: site, table: table, row: row, column: column, value: value, sequence: sequence))
    }

    mutating func deleted() { deletes += 1 }
}
