package import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation

/// The journal with the ids every site gives its entries and the reviews it holds.
struct ConflictJournal {
    let entries: [(id: String, entry: ConflictEntry)]
    let reviews: [String: ConflictReviewRecord]

    init(store: SiteStore) throws(StoreError) {
        let crypto = SiteChainCrypto()
        entries = try store.conflicts().map { entry in
            let id = ConflictEntryID.make(
                loserOrigin: entry.loserStamp.origin, loserSequence: entry.loserSequence, column: entry.column.name, sha256: crypto.sha256)
            return (id, entry)
        }
        var earliest: [String: ConflictReviewRecord] = [:]
        for review in try store.conflictReviews() {
            if let entryID = review.entryID, earliest[entryID] == nil { earliest[entryID] = review }
        }
        reviews = earliest
    }

    var views: [ConflictView] {
        entries.map { ConflictView($0.entry, id: $0.id, review: reviews[$0.id].map(ConflictReviewView.init)) }
    }
}

extension SiteApplication {
    /// How an operator settles a conflict-journal entry.
    package enum ConflictResolution: Sendable, Equatable {
        /// The winning value stays; only the review is recorded.
        case keepWinner
        /// The losing value is written again, as a new change (which wins as the newest).
        case keepLoser
        /// A new value is written (text as given, `""` for NULL, integers in decimal, booleans yes/no).
        case value(String)
    }

    /// Settles entry `id` at this site: writes what `resolution` says to the field (an ordinary
    /// change that syncs and wins by the usual rule) and records the review (who, where, when,
    /// what), a synced row, so that the entry shows as reviewed at every site after sync.
    package func resolveConflict(
        id: String, _ resolution: ConflictResolution, by who: String, note: String?, force: Bool
    ) throws(ApplicationError) -> ConflictReviewView {
        guard ConflictEntryID.isValid(id) else {
            throw ApplicationError(
                .usage, "'\(id)' is not a conflict id; ids look like conflict-0123456789abcdef (`clinicsync conflicts` lists them)")
        }
        let store = try openStoreForRecordWrites(force: force)
        return try classifyingErrors {
            let journal = try ConflictJournal(store: store)
            guard let entry = journal.entries.first(where: { $0.id == id })?.entry else {
                throw ApplicationError(
                    .notFound, "no conflict-journal entry with id \(id) at this site (`clinicsync conflicts --all` lists them); nothing was changed")
            }
            if let earlier = journal.reviews[id] {
                throw ApplicationError(
                    .invalidData,
                    "conflict \(id) was reviewed already (\(earlier.decision ?? "-") by \(earlier.reviewedBy ?? "-") at \(earlier.site ?? "-") on "
                        + "\(earlier.reviewedAt ?? "-")); nothing was changed")
            }
            let decision: ConflictDecision
            let value: FieldValue?
            switch resolution {
            case .keepWinner: (decision, value) = (.winner, nil)
            case .keepLoser: (decision, value) = (.loser, entry.loserValue)
            case let .value(text): (decision, value) = (.value, try FieldValue(operatorInput: text, for: entry.column))
            }
            let review = ConflictReview(
                id: try RowID(UUID().uuidString), entryID: id, decision: decision, reviewedBy: who, site: siteID,
                reviewedAt: Self.now, note: note)
            try store.resolveConflict(
                loser: (entry.loserStamp.origin, entry.loserSequence), column: entry.column.name, writing: value, review: review)
            return ConflictReviewView(ConflictReviewRecord(review))
        }
    }
}
