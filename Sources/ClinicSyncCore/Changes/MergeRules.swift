/// How changes from different sites combine. Every rule is a pure function of the changes
/// themselves, never of arrival order, so any order and any duplication give the same state.
///
/// - A field holds the value of the change with the greatest ``ChangeOrder`` among those that write
///   it: its ``WriteStamp``, then its sequence number (last writer wins, per field: concurrent edits
///   of different fields of one row both survive).
/// - Deletes are final: once a row is deleted at any site it stays deleted everywhere, and a later
///   edit of it (made at a site that had not yet heard of the delete) is not applied.
/// - A value is journaled as a conflict when a change that had not seen it discarded it: a write of
///   the same field with a greater stamp, or the row's delete. The journal keeps, per discarded
///   value, the discarding change with the smallest stamp, so every site records the same entry.
package enum MergeRules {
    /// Whether `later` had seen `earlier` when it was made.
    ///
    /// A site has seen all of its own earlier changes and, through its version vector, every change
    /// it had received. A change migrated from the version-1 log knows only the version of the value
    /// it replaced, and cannot have seen a version-2 change of another site.
    ///
    /// A site restored from a backup has not seen the changes its lost disk made after the backup:
    /// it numbers its new changes from a higher block (``Change/numberingBlockSize``), and their
    /// knowledge names how far it holds its own changes of lower blocks.
    package static func saw(_ later: Change, _ earlier: Change) -> Bool {
        if later.origin == earlier.origin {
            guard earlier.sequence < later.sequence else { return false }
            if case let .vector(vector) = later.knowledge, let own = vector.sequences[later.origin],
                Change.numberingBlock(of: earlier.sequence) < Change.numberingBlock(of: later.sequence)
            {
                return earlier.sequence <= own
            }
            return true
        }
        switch later.knowledge {
        case let .vector(vector):
            return vector.holds(earlier.origin, earlier.sequence)
        case let .legacyBase(base):
            return earlier.isLegacy && base.covers(earlier.stamp)
        }
    }

    /// The conflicts between `incoming` and the changes already held for the same row.
    package static func conflicts(of incoming: Change, with existing: [Change]) -> [ConflictRecord] {
        var records: [ConflictRecord] = []
        for held in existing where held.table == incoming.table && held.rowID == incoming.rowID && held != incoming {
            records += conflicts(between: incoming, held)
        }
        return records
    }

    /// The values of one change that the other discarded without having seen them.
    static func conflicts(between first: Change, _ second: Change) -> [ConflictRecord] {
        switch (first.isDelete, second.isDelete) {
        case (true, true):
            return []
        case (true, false):
            return saw(first, second) ? [] : second.values.map { ConflictRecord(loser: second, column: $0.column, winner: first) }
        case (false, true):
            return saw(second, first) ? [] : first.values.map { ConflictRecord(loser: first, column: $0.column, winner: second) }
        case (false, false):
            let (winner, loser) = first.order > second.order ? (first, second) : (second, first)
            guard !saw(winner, loser) else { return [] }
            return loser.values.filter { winner.value(of: $0.column) != nil }
                .map { ConflictRecord(loser: loser, column: $0.column, winner: winner) }
        }
    }
}

/// A field value that was discarded by a change made without knowledge of it, as kept in the
/// conflict journal.
package struct ConflictRecord: Hashable, Sendable {
    /// The write whose value was discarded.
    package let loser: Change
    /// The field whose value was discarded.
    package let column: SyncedColumn
    /// The change (a write of the same field, or the row's delete) that discarded it.
    package let winner: Change

    /// Pairs a discarded value with the change that beat it.
    package init(loser: Change, column: SyncedColumn, winner: Change) {
        precondition(!loser.isDelete, "a delete never loses")
        self.loser = loser
        self.column = column
        self.winner = winner
    }

    /// The discarded value.
    package var loserValue: FieldValue { loser.value(of: column) ?? .null }

    /// The value that replaced it, `nil` when the winner is a delete.
    package var winnerValue: FieldValue? { winner.value(of: column) }

    /// Whether this record should replace `other`, an entry for the same loser and field already
    /// journaled: the winner with the smaller stamp is kept, whatever the arrival order.
    package func preferred(over other: ConflictRecord) -> Bool {
        winner.order < other.winner.order
    }
}
