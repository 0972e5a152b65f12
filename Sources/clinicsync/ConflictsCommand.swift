import ArgumentParser
import ClinicSyncCore
import ClinicSyncStore

/// `clinicsync conflicts`: values discarded by concurrent writes, kept for an operator to review.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Print the conflict journal: values overwritten by a write made without knowledge of them.")

    @OptionGroup var options: GlobalOptions

    struct Entry: Encodable {
        let table: String
        let row_id: String
        let column: String
        let loser_value: FieldValueJSON
        let loser_timestamp: String
        let loser_hlc: Int64
        let loser_origin: String
        let loser_seq: Int64
        let winner_value: FieldValueJSON?
        let winner_deleted: Bool
        let winner_timestamp: String
        let winner_hlc: Int64
        let winner_origin: String
        let winner_seq: Int64

        init(_ entry: ConflictEntry) {
            table = entry.table.rawValue
            row_id = entry.rowID.rawValue
            column = entry.column.name
            loser_value = FieldValueJSON(value: entry.loserValue)
            loser_timestamp = entry.loserStamp.timestamp.description
            loser_hlc = entry.loserStamp.timestamp.rawValue
            loser_origin = entry.loserStamp.origin.rawValue
            loser_seq = entry.loserSequence
            winner_value = entry.winnerDeleted ? nil : FieldValueJSON(value: entry.winnerValue)
            winner_deleted = entry.winnerDeleted
            winner_timestamp = entry.winnerStamp.timestamp.description
            winner_hlc = entry.winnerStamp.timestamp.rawValue
            winner_origin = entry.winnerStamp.origin.rawValue
            winner_seq = entry.winnerSequence
        }
    }

    func run() throws {
        try reportingFailures {
            let entries = try options.openStoreReadOnly().conflicts().map(Entry.init)
            if options.json { return try Output.json(entries) }
            Output.table(
                ["TABLE", "ROW_ID", "COLUMN", "LOST_VALUE", "LOST_AT", "WON_BY"],
                entries.map { entry in
                    [entry.table, entry.row_id, entry.column, String(describing: entry.loser_value.value),
                     "\(entry.loser_timestamp)@\(entry.loser_origin)",
                     (entry.winner_deleted ? "delete " : "") + "\(entry.winner_timestamp)@\(entry.winner_origin)"]
                })
        }
    }
}
