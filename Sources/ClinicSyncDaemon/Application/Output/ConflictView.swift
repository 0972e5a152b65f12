import ClinicSyncCore
import ClinicSyncStore

/// A conflict-journal entry: a value overwritten by a write made without knowledge of it.
package struct ConflictView: Codable, Sendable, Equatable {
    /// The same at every site that journaled the entry (see `ConflictEntryID`).
    package var id: String
    package var table: String
    package var rowID: String
    package var column: String
    package var loserValue: FieldValueView
    package var loserTimestamp: String
    package var loserHLC: Int64
    package var loserOrigin: String
    package var loserSequence: Int64
    /// The value that won; absent when the winner deleted the row.
    package var winnerValue: FieldValueView?
    package var winnerDeleted: Bool
    package var winnerTimestamp: String
    package var winnerHLC: Int64
    package var winnerOrigin: String
    package var winnerSequence: Int64
    /// How someone settled it (the earliest review, if two sites reviewed it at once); absent
    /// while unreviewed.
    package var review: ConflictReviewView?

    enum CodingKeys: String, CodingKey {
        case id, table, column, review
        case rowID = "row_id"
        case loserValue = "loser_value"
        case loserTimestamp = "loser_timestamp"
        case loserHLC = "loser_hlc"
        case loserOrigin = "loser_origin"
        case loserSequence = "loser_seq"
        case winnerValue = "winner_value"
        case winnerDeleted = "winner_deleted"
        case winnerTimestamp = "winner_timestamp"
        case winnerHLC = "winner_hlc"
        case winnerOrigin = "winner_origin"
        case winnerSequence = "winner_seq"
    }
}

extension ConflictView {
    init(_ entry: ConflictEntry, id: String, review: ConflictReviewView?) {
        self.id = id
        self.review = review
        table = entry.table.rawValue
        rowID = entry.rowID.rawValue
        column = entry.column.name
        loserValue = FieldValueView(entry.loserValue)
        loserTimestamp = entry.loserStamp.timestamp.description
        loserHLC = entry.loserStamp.timestamp.rawValue
        loserOrigin = entry.loserStamp.origin.rawValue
        loserSequence = entry.loserSequence
        winnerValue = entry.winnerDeleted ? nil : FieldValueView(entry.winnerValue)
        winnerDeleted = entry.winnerDeleted
        winnerTimestamp = entry.winnerStamp.timestamp.description
        winnerHLC = entry.winnerStamp.timestamp.rawValue
        winnerOrigin = entry.winnerStamp.origin.rawValue
        winnerSequence = entry.winnerSequence
    }
}

/// A conflict review, as `conflicts --all` and `conflicts resolve` print it.
package struct ConflictReviewView: Codable, Sendable, Equatable {
    package var id: String
    package var entryID: String
    package var decision: String?
    package var reviewedBy: String?
    package var site: String?
    package var reviewedAt: String?
    package var note: String?

    enum CodingKeys: String, CodingKey {
        case id, decision, site, note
        case entryID = "entry_id"
        case reviewedBy = "reviewed_by"
        case reviewedAt = "reviewed_at"
    }
}

extension ConflictReviewView {
    init(_ record: ConflictReviewRecord) {
        self.init(
            id: record.id, entryID: record.entryID ?? "", decision: record.decision, reviewedBy: record.reviewedBy, site: record.site,
            reviewedAt: record.reviewedAt, note: record.note)
    }
}
