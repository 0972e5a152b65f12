package import ClinicSyncCore
import ClinicSyncStore

extension SiteApplication {
    /// Alerts computed from the merged tables, by kind then id: open ones, or all with `all`;
    /// of one patient (an alert naming the patient or one of their appointments) or one kind.
    package func alerts(patientID: String? = nil, kind: CoverageAlert.Kind? = nil, all: Bool = false) throws(ApplicationError) -> AlertList {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            let reading = try CoverageReading(store: store, settings: configuration.alerts)
            let theirs = patientID.map { Self.appointments(of: $0, in: reading) }
            let alerts = reading.alerts.filter { alert in
                (all || !alert.acknowledged) && (kind.map { alert.kind == $0 } ?? true)
                    && (patientID.map { Self.concerns(alert, patientID: $0, appointments: theirs ?? []) } ?? true)
            }
            return AlertList(alerts: alerts.map(AlertView.init), unreadableRows: reading.unreadableRows > 0 ? reading.unreadableRows : nil)
        }
    }

    /// What the front desk needs about one patient, across every site.
    package func patient(id patientID: String) throws(ApplicationError) -> PatientView {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            let reading = try CoverageReading(store: store, settings: configuration.alerts)
            let rules = reading.rules
            let records = try store.prescriptions().filter { $0.patientID == patientID }
            let checks = rules.snapshot.checks.filter { $0.patientID == patientID }
            let visits = rules.snapshot.visits.filter { $0.appointment.patientID == patientID }
            guard !records.isEmpty || !checks.isEmpty || !visits.isEmpty else {
                throw ApplicationError(.notFound, "no prescription, coverage check or appointment names patient id \(patientID)")
            }
            var payers: [String: String] = [:]
            for payer in records.compactMap(\.payer) + checks.map(\.payer) where payers[foldedName(payer)] == nil {
                payers[foldedName(payer)] = payer
            }
            let coverage = payers.sorted { $0.key < $1.key }.map { _, payer in
                let period = rules.periodUsage(patientID: patientID, payer: payer)
                let newest = rules.newestCheck(patientID: patientID, payer: payer)
                return PayerCoverageView(
                    payer: payer, check: period.map { CoverageCheckView($0.check, inForce: $0.check == newest) },
                    periodFirst: period?.first?.description,
                    periodLast: period?.last?.description, visitsInPeriod: period?.visits, visitLimit: period?.limit,
                    visitsRemaining: period?.remaining)
            }
            let upcoming = visits.filter { [.scheduled, .checkedIn].contains($0.appointment.status) && $0.appointment.startsAt >= reading.now }
                .sorted(by: CoverageSnapshot.Visit.inOrder)
            let theirs = Self.appointments(of: patientID, in: reading)
            let open = reading.alerts.filter { !$0.acknowledged && Self.concerns($0, patientID: patientID, appointments: theirs) }
            return PatientView(
                patientID: patientID,
                prescriptions: records.map { record in
                    PrescriptionView(record, usage: (try? RowID(record.id)).flatMap { rules.usage(of: $0) })
                },
                coverage: coverage, upcomingAppointments: upcoming.map(VisitView.init), alerts: open.map(AlertView.init))
        }
    }

    /// Whether an alert is about the patient: it names them, or one of their appointments.
    private static func concerns(_ alert: CoverageAlert, patientID: String, appointments: Set<RowID>) -> Bool {
        alert.patientID == patientID || alert.appointmentIDs.contains(where: appointments.contains)
    }

    private static func appointments(of patientID: String, in reading: CoverageReading) -> Set<RowID> {
        Set(reading.rules.snapshot.visits.filter { $0.appointment.patientID == patientID }.map(\.id))
    }
}
