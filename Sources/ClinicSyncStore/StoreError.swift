package import ClinicSyncCore

/// Why a store operation failed. Messages name ids, tables and fields, never patient data.
package enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No initialised database at the path.
    case notInitialized(path: String)
    /// The database belongs to another site than the configuration names.
    case siteMismatch(path: String, database: SiteID, configured: SiteID)
    /// The database was written by a newer clinicsync with migrations this build does not know.
    case schemaTooNew(path: String, unknownMigrations: [String])
    /// SQLite could not open or use the file.
    case database(path: String, message: String)
    /// The user may not read the database (or its directory).
    case permissionDenied(path: String)
    /// A read-only open found migrations this version still has to apply (`pending` of them).
    case needsUpgrade(path: String, pending: Int)
    /// Another connection held the write lock for longer than the busy timeout (10 s).
    case busy(path: String)
    /// No row with that id (it may have been deleted).
    case notFound(table: SyncedTable, id: RowID)
    /// A row with that id exists already.
    case alreadyExists(table: SyncedTable, id: RowID)
    /// The row is still referenced and cannot be deleted.
    case stillReferenced(table: SyncedTable, id: RowID, references: Int)
    /// The row was deleted; deletes are final, so it cannot be changed or re-created.
    case rowDeleted(table: SyncedTable, id: RowID)
    /// A value breaks a domain rule.
    case invalid(ValidationError)
    /// A stored row cannot be read as a complete, valid record (written by another program, or
    /// still missing fields whose changes have not arrived).
    case storedRowUnreadable(table: SyncedTable, id: RowID, reason: ValidationError)
    /// A clock recovery would change the order of this site's changes and a received one.
    case clockRecoveryInterleaved(site: SiteID)
    /// A clock recovery would find a site holding a change it would re-stamp.
    case clockRecoveryHeldElsewhere(site: SiteID, sequence: Int64)
    /// A clock recovery would leave the clock still beyond the drift bound.
    case clockRecoveryIneffective(lead: Milliseconds, bound: Milliseconds)
    /// A clock recovery while the site still recovers from a restore.
    case clockRecoveryDuringRestore
    /// A backup holding this site's changes stamped this far ahead of the wall clock (taken while
    /// the clock ran fast): a `clock recover` since would have given peers other stamps for them.
    case backupHoldsFastChanges(path: String, lead: Milliseconds)
    /// A backup made by version 1 holding `count` writes by other programs that no clinicsync
    /// command had stamped yet: upgrading it would number them as the lost disk numbered others.
    /// `replacedRanThisVersion`: the database it would replace was upgraded, so the lost site gave
    /// such numbers and keeping the writes cannot be allowed.
    case backupHoldsUnstampedWrites(path: String, count: Int, replacedRanThisVersion: Bool)
    /// A write now would be held at every peer (see `ClockProblem`).
    case clockAhead(ClockProblem, bound: Milliseconds)
    /// The deleted row was re-created already, under `as`.
    case alreadyRestored(table: SyncedTable, id: RowID, as: RowID)
    /// No deleted row has that id.
    case notDeleted(id: RowID)
    /// An acknowledgement or review records that something happened; it is not brought back.
    case notRestorable(table: SyncedTable, id: RowID)
    /// `--strict`: the booking would raise these alerts (each `kind: message`); nothing was written.
    case bookingRaisesAlerts([String])
    /// A deleted row's last values do not make a complete, valid row (some of its writes have not
    /// arrived yet, or it was deleted and compacted before deleted rows kept their values).
    case removedRowIncomplete(table: SyncedTable, id: RowID, reason: ValidationError)

    /// A batch whose changes of one origin cannot be verified as written by it; nothing was applied.
    case chainRefused(ChainRefusal)
    /// A console account with this name exists already.
    case accountExists(name: String)
    /// No console account has this name.
    case noSuchAccount(name: String)

    package var description: String {
        switch self {
        case let .chainRefused(refusal):
            return "\(refusal); nothing of the batch was applied"
        case let .notInitialized(path):
            return "no ClinicSync database at \(path); run `clinicsync init` first"
        case let .siteMismatch(path, database, configured):
            return
                "the database at \(path) belongs to site '\(database)' but the configuration says site.id '\(configured)'; fix site.id or "
                + "site.database"
        case let .schemaTooNew(path, unknown):
            return
                "the database at \(path) has schema migrations this clinicsync does not know (\(unknown.joined(separator: ", "))); upgrade clinicsync"
        case let .database(path, message):
            return "database error at \(path): \(message)"
        case let .permissionDenied(path):
            return "permission denied on \(path) or its directory: patient data is readable by the daemon's user only; "
                + "run as that user (sudo -u clinicsync); members of its group can use `status` and `sync now` while the daemon runs"
        case let .needsUpgrade(path, pending):
            return "the database at \(path) needs \(pending) schema migration(s) from this clinicsync version before it can be read; "
                + "restart the daemon (or run any command that writes, e.g. `clinicsync compact`) once to upgrade it"
        case let .busy(path):
            return "the database at \(path) stayed locked by another connection for 10 s; nothing was changed. "
                + "Try again; if it persists, find the program holding it (`fuser \(path)`)"
        case let .notFound(table, id):
            return "no \(table.singular) with id \(id)"
        case let .alreadyExists(table, id):
            return "a \(table.singular) with id \(id) exists already"
        case let .stillReferenced(table, id, references):
            return "\(table.singular) \(id) is referenced by \(references) appointment(s); unlink or delete them first"
        case let .rowDeleted(table, id):
            return "\(table.singular) \(id) was deleted; deletes are final, so it cannot be changed or re-created under its id "
                + "(`clinicsync deleted restore \(id)` re-creates it as a new row)"
        case let .clockRecoveryInterleaved(site):
            return "site '\(site)' holds changes from other sites stamped after its own fast ones (another site's clock ran "
                + "fast too?); re-stamping would reorder writes, so nothing was changed. Its changes apply once real time catches up"
        case let .clockRecoveryHeldElsewhere(site, sequence):
            return "site '\(site)' reports holding this site's change #\(sequence), which is stamped beyond any drift bound "
                + "(its clock ran fast too?); re-stamping it would leave two versions, so nothing was changed"
        case let .clockRecoveryIneffective(lead, bound):
            return "after re-stamping, this site's changes would still be \(lead) ahead of its wall clock, beyond the drift "
                + "bound (\(bound)), because of changes it must keep; nothing was changed. They apply once real time catches up"
        case let .backupHoldsFastChanges(path, lead):
            return "the backup \(path) holds changes of this site stamped up to \(lead) ahead of the wall clock: it was "
                + "taken while the clock ran fast. If `clinicsync clock recover` ran after it was taken, the peers hold those "
                + "changes with new stamps and restoring it would leave two versions: restore a backup taken after the "
                + "recovery. If none ran, restore it with --keep-fast-changes, then run `clinicsync clock recover` once the "
                + "site has synced with its peers. Nothing was changed"
        case let .backupHoldsUnstampedWrites(path, count, replacedRanThisVersion):
            return "the backup \(path) was made by ClinicSync 1 and holds \(count) write(s) by other programs that no clinicsync "
                + "command had recorded yet; restoring it would give them change numbers the lost database gave to other "
                + "changes, which peers would refuse as a second history. Restore a backup taken after the site was upgraded "
                + "(or one taken right after any clinicsync command ran, which records such writes)"
                + (replacedRanThisVersion
                    ? "; the database it would replace ran this version, so --keep-unstamped-writes does not apply"
                    : "; if the lost site never ran this version, restore this one with --keep-unstamped-writes")
                + ". Nothing was changed"
        case .clockRecoveryDuringRestore:
            return "this site is still getting back its changes after a restore (see `clinicsync status` → recovering); "
                + "sync with those peers first, then recover the clock"
        case let .clockAhead(problem, bound):
            switch problem {
            case let .ownChangesAhead(lead):
                let advice =
                    lead.value > 2 * bound.value
                    ? "Stop the daemon and run `clinicsync clock recover`"
                    : "Real time catches up in \(Milliseconds(lead.value - bound.value)) (`clock recover` re-stamps only changes more than "
                        + "twice the bound ahead)"
                return "this site's newest change is stamped \(lead) ahead of its wall clock (the clock ran fast and was "
                    + "corrected), beyond the drift bound (\(bound)): a change made now would be held at every peer. \(advice), "
                    + "or pass --force to write anyway"
            case let .wallClockAhead(peers, lead):
                return "this site's wall clock is at least \(lead) ahead of \(peers.map { "'\($0)'" }.joined(separator: ", ")) "
                    + "(every peer heard from in the last 15 minutes), beyond the drift bound (\(bound)): a change made now would "
                    + "be held at every peer. Fix the clock (NTP), or pass --force to write anyway"
            }
        case let .alreadyRestored(table, id, newID):
            return "deleted \(table.singular) \(id) was restored already, as \(newID); nothing was changed"
        case let .notDeleted(id):
            return "no deleted row has id \(id); `clinicsync deleted list` lists them"
        case let .accountExists(name):
            return "a console account named \(name) exists already; `clinicsync user passwd \(name)` changes its password. Nothing was changed"
        case let .noSuchAccount(name):
            return "no console account is named \(name); `clinicsync user list` lists them. Nothing was changed"
        case let .bookingRaisesAlerts(alerts):
            return "the booking would raise \(alerts.count) alert(s), so with --strict nothing was written:\n"
                + alerts.map { "  " + $0 }.joined(separator: "\n")
        case let .notRestorable(table, id):
            return "deleted \(table.singular) \(id) is a record of what someone did and is not re-created; "
                + "acknowledge the alert or review the conflict again instead. Nothing was changed"
        case let .removedRowIncomplete(table, id, reason):
            return "deleted \(table.singular) \(id) cannot be re-created from its last values (\(reason)); nothing was changed. "
                + "Some of its writes may not have arrived from other sites yet (sync and try again), or, for a row deleted before "
                + "this version of clinicsync, compaction removed them; `deleted show \(id)` lists what is left"
        case let .invalid(error):
            return error.description
        case let .storedRowUnreadable(table, id, reason):
            return "the stored \(table.singular) \(id) cannot be read (\(reason)); nothing was changed. "
                + "It was written by another program or is still missing changes from other sites: "
                + "sync, or correct the stored value"
        }
    }
}

extension SyncedTable {
    /// `appointment`, `coverage check`, ..., for messages.
    package var singular: String { rawValue.dropLast().split(separator: "_").joined(separator: " ") }
}
