import ClinicSyncCore
import Foundation
import GRDB

extension SiteStore {
    /// The synchronised state as deterministic text: every row of every synchronised table, the
    /// deleted rows, and the conflict journal, each in primary-key order.
    ///
    /// Two sites that have exchanged all their changes produce identical text; the change log
    /// itself differs (local sequence numbers) and is left out.
    package func canonicalDump() throws(StoreError) -> String {
        try read { db in
            var lines: [String] = []
            for table in SyncedTable.allCases {
                let columns = ["id"] + table.columns.map(\.name)
                let rows = try Row.fetchAll(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table.rawValue) ORDER BY id")
                lines += rows.map { row in
                    "\(table)|" + columns.map { FieldValue(row[$0] as DatabaseValue).canonical }.joined(separator: "|")
                }
            }
            // The first delete of each row (by stamp): every site that holds the same changes agrees on
            // it. (Deleted rows' last values are left out: sites that compacted them away before
            // clinicsync kept them would differ for ever; `deleted list` shows them.)
            lines += try Row.fetchAll(
                db,
                sql: """
                    SELECT tbl, row_id, MIN(hlc) AS hlc FROM change_log WHERE cols = 0 GROUP BY tbl, row_id ORDER BY tbl, row_id
                    """
            ).map { row in
                let table = SyncedTable(code: row["tbl"])?.rawValue ?? "?"
                return "deleted|\(table)|\(row["row_id"] as String)|\(row["hlc"] as Int64)"
            }
            lines += try conflictLines(db)
            return lines.joined(separator: "\n")
        }
    }

    private func conflictLines(_ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "SELECT * FROM conflicts ORDER BY tbl, row_id, col, loser_hlc, loser_origin, loser_seq").map { row in
            let parts: [String] = [
                row["tbl"], row["row_id"], row["col"], row["loser_origin"], String(row["loser_seq"] as Int64),
                String(row["loser_hlc"] as Int64), FieldValue(row["loser_value"] as DatabaseValue).canonical,
                row["winner_origin"], String(row["winner_seq"] as Int64), String(row["winner_hlc"] as Int64),
                String(row["winner_deleted"] as Int64), FieldValue(row["winner_value"] as DatabaseValue).canonical,
            ]
            return "conflict|" + parts.joined(separator: "|")
        }
    }
}

extension FieldValue {
    /// Unambiguous text: `~` for NULL, `i:` before integers and `t:` before text (`|` escaped).
    var canonical: String {
        switch self {
        case .null: return "~"
        case let .integer(number): return "i:\(number)"
        case let .text(text): return "t:" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
        }
    }
}
