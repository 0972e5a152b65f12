package import ClinicSyncCore
import ClinicSyncStore

extension SiteApplication {
    /// Records `prescription`; returns its id.
    package func addPrescription(_ prescription: Prescription, force: Bool) throws(ApplicationError) -> RowID {
        let store = try openStoreForRecordWrites(force: force)
        try classifyingErrors { try store.addPrescription(prescription) }
        return prescription.id
    }

    /// Applies `change` to prescription `id`, validates the result and stores the changed fields.
    package func updatePrescription(
        id: RowID, force: Bool, _ change: @escaping (inout Prescription) throws(ValidationError) -> Void
    ) throws(ApplicationError) -> PrescriptionView {
        let store = try openStoreForRecordWrites(force: force)
        return try classifyingErrors { PrescriptionView(try store.updatePrescription(id: id, change)) }
    }

    /// Deletes prescription `id` at every site.
    package func deletePrescription(id: RowID, force: Bool) throws(ApplicationError) {
        let store = try openStoreForRecordWrites(force: force)
        try classifyingErrors { try store.deletePrescription(id: id) }
    }

    /// Every prescription, by expiry date.
    package func prescriptions() throws(ApplicationError) -> [PrescriptionView] {
        let store = try openStoreReadOnly()
        return try classifyingErrors { try store.prescriptions().map { PrescriptionView($0) } }
    }

    /// Prescription `id`, with the visits booked against it at every site.
    package func prescription(id: RowID) throws(ApplicationError) -> PrescriptionView {
        let store = try openStoreReadOnly()
        return try classifyingErrors {
            guard let record = try store.prescription(id: id) else {
                throw ApplicationError(.notFound, "no prescription with id \(id)")
            }
            let reading = try CoverageReading(store: store, settings: configuration.alerts, prescriptionID: id)
            return PrescriptionView(record, visitsUsed: try store.visitsUsed(prescriptionID: id), usage: reading.rules.usage(of: id))
        }
    }
}
