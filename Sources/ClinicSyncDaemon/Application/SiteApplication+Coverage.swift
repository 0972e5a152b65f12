package import ClinicSyncCore
import ClinicSyncStore

extension SiteApplication {
    /// Records `check` (made at this site); returns its id.
    package func addCoverageCheck(_ check: CoverageCheck, force: Bool) throws(ApplicationError) -> RowID {
        guard check.site == siteID else {
            throw ApplicationError(.invalidData, "invalid site: a coverage check records the site where the call was made, this one ('\(siteID)')")
        }
        let store = try openStoreForRecordWrites(force: force)
        try classifyingErrors { try store.addCoverageCheck(check) }
        return check.id
    }

    /// Applies `change` to coverage check `id`, validates the result and stores the changed fields.
    package func updateCoverageCheck(
        id: RowID, force: Bool, _ change: @escaping (inout CoverageCheck) throws(ValidationError) -> Void
    ) throws(ApplicationError) -> CoverageCheckView {
        let store = try openStoreForRecordWrites(force: force)
        return try classifyingErrors {
            let record = try store.updateCoverageCheck(id: id, change)
            return try Self.view(of: record, in: store)
        }
    }

    /// Deletes coverage check `id` at every site (for a check entered by mistake: a superseded
    /// check is history, and stays).
    package func deleteCoverageCheck(id: RowID, force: Bool) throws(ApplicationError) {
        let store = try openStoreForRecordWrites(force: force)
        try classifyingErrors { try store.deleteCoverageCheck(id: id) }
    }

    /// Today in the clinic's time zone (`alerts.time_zone`): the day a check made now is dated.
    package var today: CalendarDate { configuration.alerts.calendar().today }

    /// Coverage checks (of one patient if given), by patient, payer and newest call first.
    package func coverageChecks(patientID: String? = nil) throws(ApplicationError) -> [CoverageCheckView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { CoverageCheckView.marked(try store.coverageChecks(patientID: patientID)) }
    }

    /// Coverage check `id`, marked in force or not.
    package func coverageCheck(id: RowID) throws(ApplicationError) -> CoverageCheckView {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            guard let record = try store.coverageCheck(id: id) else {
                throw ApplicationError(.notFound, "no coverage check with id \(id)")
            }
            return try Self.view(of: record, in: store)
        }
    }

    private static func view(of record: CoverageCheckRecord, in store: SiteStore) throws -> CoverageCheckView {
        let siblings = try store.coverageChecks(patientID: record.patientID).filter { foldedName($0.payer ?? "") == foldedName(record.payer ?? "") }
        return CoverageCheckView.marked(siblings).first { $0.id == record.id } ?? CoverageCheckView(record, inForce: false)
    }
}

extension SiteApplication {
    /// The clinic's calendar day (`alerts.time_zone`) of a stored start time, or `nil` if it is not one.
    package func clinicDay(of startsAt: String) -> CalendarDate? {
        (try? UTCDateTime(startsAt, field: "starts_at")).map(configuration.alerts.calendar().dayOf)
    }
}
