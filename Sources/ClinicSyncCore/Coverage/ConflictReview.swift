/// How someone settled an entry of the conflict journal (a synced record of its own, so the entry
/// shows as reviewed at every site).
package struct ConflictReview: Hashable, Sendable {
    package var id: RowID
    /// The entry's id (see ``ConflictEntryID``).
    package var entryID: String
    package var decision: ConflictDecision
    package var reviewedBy: String
    package var site: SiteID
    package var reviewedAt: UTCDateTime
    package var note: String?

    package init(
        id: RowID, entryID: String, decision: ConflictDecision, reviewedBy: String, site: SiteID, reviewedAt: UTCDateTime, note: String? = nil
    ) {
        self.id = id
        self.entryID = entryID
        self.decision = decision
        self.reviewedBy = reviewedBy
        self.site = site
        self.reviewedAt = reviewedAt
        self.note = note
    }

    package func validate() throws(ValidationError) {
        guard ConflictEntryID.isValid(entryID) else {
            throw ValidationError(
                field: "entry_id", rule: "must be a conflict id such as conflict-0123456789abcdef, as `clinicsync conflicts` prints it")
        }
        try Require.nonEmpty(reviewedBy, "reviewed_by")
        if let note { try Require.nonEmpty(note, "note") }
    }

    /// The stored value of every synchronised column.
    package var fieldValues: [SyncedColumn: FieldValue] {
        let values: [String: FieldValue] = [
            "entry_id": .text(entryID), "decision": .text(decision.rawValue), "reviewed_by": .text(reviewedBy), "site": .text(site.rawValue),
            "reviewed_at": .text(reviewedAt.description), "note": note.map(FieldValue.text) ?? .null,
        ]
        return Dictionary(uniqueKeysWithValues: SyncedTable.conflictReviews.columns.map { ($0, values[$0.name]!) })
    }
}

/// A conflict-journal entry's id: `conflict-` and 16 hex digits of SHA-256 over the losing
/// change's origin and number and the column, which every site that journaled it shares.
package enum ConflictEntryID {
    package static func make(loserOrigin: SiteID, loserSequence: Int64, column: String, sha256: ([UInt8]) -> [UInt8]) -> String {
        let digest = sha256(Array("\(loserOrigin.rawValue)\n\(loserSequence)\n\(column)".utf8))
        return "conflict-" + shortDigest(digest)
    }

    package static func isValid(_ text: String) -> Bool {
        text.hasPrefix("conflict-") && isLowercaseHex(text.dropFirst("conflict-".count), count: 16)
    }
}

extension FieldValue {
    /// Reads an operator's value for `column`: text as given (empty: NULL), integers in decimal,
    /// booleans as yes/no, true/false or 1/0.
    package init(operatorInput text: String, for column: SyncedColumn) throws(ValidationError) {
        if text.isEmpty {
            self = .null
            return
        }
        let value: FieldValue?
        switch column.type {
        case .text: value = .text(text)
        case .integer: value = Int64(text).map(FieldValue.integer)
        case .boolean: value = ["yes": 1, "true": 1, "1": 1, "no": 0, "false": 0, "0": 0][text.lowercased()].map(FieldValue.integer)
        }
        guard let value, column.accepts(value) else {
            throw ValidationError(field: column.name, rule: "value must be \(column.expectedValue)")
        }
        self = value
    }
}
