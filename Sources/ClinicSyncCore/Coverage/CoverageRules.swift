/// Usage and the coverage check in force, from one ``CoverageSnapshot`` (alerts in
/// `CoverageRules+Alerts.swift`). Pure: no clock, no I/O, no dependence on row order.
package struct CoverageRules: Sendable {
    package typealias Visit = CoverageSnapshot.Visit

    package let snapshot: CoverageSnapshot
    let prescriptions: [RowID: Prescription]
    /// Visits by the prescription they are linked to, by start time then id.
    let visitsByPrescription: [RowID: [Visit]]
    /// Checks by patient and payer key, the newest call first.
    let checks: [PatientPayer: [CoverageCheck]]

    struct PatientPayer: Hashable {
        let patientID: String
        let payer: String

        init(_ patientID: String, payer: String) {
            self.patientID = patientID
            self.payer = foldedName(payer)
        }
    }

    package init(_ snapshot: CoverageSnapshot) {
        self.snapshot = snapshot
        // Two rows with one id cannot exist in one table; `uniquingKeysWith` only keeps this total.
        prescriptions = Dictionary(snapshot.prescriptions.map { ($0.id, $0) }, uniquingKeysWith: { $0.id < $1.id ? $0 : $1 })
        var linked: [RowID: [Visit]] = [:]
        for visit in snapshot.visits {
            if let prescriptionID = visit.appointment.prescriptionID { linked[prescriptionID, default: []].append(visit) }
        }
        visitsByPrescription = linked.mapValues { $0.sorted(by: Visit.inOrder) }
        var grouped: [PatientPayer: [CoverageCheck]] = [:]
        for check in snapshot.checks { grouped[PatientPayer(check.patientID, payer: check.payer), default: []].append(check) }
        checks = grouped.mapValues { $0.sorted { $0.supersedes($1) } }
    }

    /// The usage of prescription `id`, or `nil` if the snapshot does not hold it.
    package func usage(of id: RowID) -> PrescriptionUsage? {
        prescriptions[id].map { prescription in
            let check = check(patientID: prescription.patientID, payer: prescription.payer, on: snapshot.today)
            return PrescriptionUsage(
                prescription: prescription, visits: visitsByPrescription[id] ?? [], today: snapshot.today,
                letterRequiredBy: check.flatMap { $0.requiresLMN ? $0.id : nil })
        }
    }

    /// The newest check for the patient and payer (by `checked_on`, then id): the one in force.
    package func newestCheck(patientID: String, payer: String) -> CoverageCheck? {
        checks[PatientPayer(patientID, payer: payer)]?.first
    }

    /// The check that applies to a visit on `date`: the newest of those valid that day.
    package func check(patientID: String, payer: String, on date: CalendarDate) -> CoverageCheck? {
        checks[PatientPayer(patientID, payer: payer)]?.first { $0.isValid(on: date) }
    }

    /// The patient's visits with `payer` in the period the check in force today counts its limit
    /// in, or `nil` without such a check.
    package func periodUsage(patientID: String, payer: String) -> PeriodUsage? {
        guard let check = check(patientID: patientID, payer: payer, on: snapshot.today) else { return nil }
        let (first, last) = period(of: check, containing: snapshot.today)
        let counted = visits(of: patientID, payer: payer).filter { visit in
            visit.counts && first.map { $0 <= visit.date } ?? true && last.map { visit.date <= $0 } ?? true
        }
        return PeriodUsage(check: check, first: first, last: last, visits: counted.count, limit: check.visitLimit)
    }

    /// The period of `check`'s visit limit that holds `date`.
    func period(of check: CoverageCheck, containing date: CalendarDate) -> (first: CalendarDate?, last: CalendarDate?) {
        switch check.visitLimitPeriod {
        case .planYear:
            let year = check.planYearStart.planYear(containing: date)
            return (year.first, year.last)
        case .authorization:
            return (check.validFrom, check.validUntil)
        }
    }

    /// Every visit of the patient linked to a prescription of `payer`, by start time then id.
    func visits(of patientID: String, payer: String) -> [Visit] {
        let key = foldedName(payer)
        return snapshot.visits.filter { visit in
            guard visit.appointment.patientID == patientID, let prescriptionID = visit.appointment.prescriptionID,
                let prescription = prescriptions[prescriptionID]
            else { return false }
            return foldedName(prescription.payer) == key
        }.sorted(by: Visit.inOrder)
    }
}
