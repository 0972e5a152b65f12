/// How changes from different sites combine. Every rule is a pure function of the changes
/// themselves, never of arrival order, so any order and any duplication give the same state.
///
/// - A field holds the value of the change with the greatest ``WriteStamp`` (last writer wins,
///   per field: concurrent edits of different fields of one row both survive).
/// - Deletes are final: once a row is deleted at any site it stays deleted everywhere, and a later
///   edit of it (made at a site that had not yet heard of the delete) is not applied. Such an edit
///   is not lost: it goes into the conflict journal as overwritten by the delete.
/// - A write that replaced a value its site had never seen (its base does not cover that value's
///   stamp) makes a conflict; the losing value is kept in the journal with the change that beat it.
public enum MergeRules {
    /// Whether a field write stamped `incoming` replaces the field's current version.
    public static func replaces(_ incoming: WriteStamp, current: WriteStamp?) -> Bool {
        guard let current else { return true }
        return incoming > current
    }

    /// Whether `later` overwrote the field value written by `earlier` without its site having seen it.
    ///
    /// Only field writes lose: two deletes of one row agree, and a delete is never undone.
    public static func overwroteUnseen(_ later: Change, _ earlier: Change) -> Bool {
        guard earlier.table == later.table, earlier.rowID == later.rowID,
              case let .set(earlierColumn, _) = earlier.operation else { return false }
        switch later.operation {
        case .delete:
            return !later.base.covers(earlier.stamp)
        case let .set(laterColumn, _):
            return laterColumn == earlierColumn && later.stamp > earlier.stamp && !later.base.covers(earlier.stamp)
        }
    }

    /// The conflicts that `incoming` makes with changes already held for the same row.
    public static func conflicts(of incoming: Change, with existing: [Change]) -> [ConflictRecord] {
        var records: [ConflictRecord] = []
        for held in existing where held != incoming {
            if overwroteUnseen(incoming, held) {
                records.append(ConflictRecord(loser: held, winner: incoming))
            } else if overwroteUnseen(held, incoming) {
                records.append(ConflictRecord(loser: incoming, winner: held))
            }
        }
        return records
    }
}

/// A field value that lost to a write made without knowledge of it, as kept in the conflict journal.
///
/// When several writes overwrote the same loser unseen, the journal keeps the one with the smallest
/// stamp (``preferred(over:)``), so every site records the same entry whatever the arrival order.
public struct ConflictRecord: Hashable, Sendable {
    /// The field write whose value was discarded.
    public let loser: Change
    /// The write (a field write or a delete) that discarded it.
    public let winner: Change

    /// Pairs a discarded write with the write that beat it.
    public init(loser: Change, winner: Change) {
        precondition(!loser.isDelete, "a delete never loses")
        self.loser = loser
        self.winner = winner
    }

    /// Whether this record should replace `other`, an entry for the same loser already journaled.
    public func preferred(over other: ConflictRecord) -> Bool {
        winner.stamp < other.winner.stamp
    }
}
