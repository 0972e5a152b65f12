extension CoverageRules {
    /// What a prescription lets the therapist do (issue 13): how often, where on the body, and,
    /// when the payer requires it, only with the letter of medical necessity on file.
    func scopeAlerts(into found: inout AlertCollector) {
        for prescription in snapshot.prescriptions {
            let counted = (visitsByPrescription[prescription.id] ?? []).filter(\.counts)
            frequencyAlerts(prescription, counted, into: &found)
            letterAlerts(prescription, counted, into: &found)
            regionAlerts(prescription, counted, into: &found)
        }
    }

    /// More visits in a calendar week (Monday to Sunday) or month, on the clinic's days, than the
    /// frequency allows, across every site: one alert per period, naming the latest visits.
    private func frequencyAlerts(_ prescription: Prescription, _ counted: [Visit], into found: inout AlertCollector) {
        guard let rule = prescription.frequencyRule else { return }
        // Grouping keeps each period's visits in the order counted: start time, then id.
        for (first, visits) in Dictionary(grouping: counted, by: { rule.period.first(containing: $0.date) }) where visits.count > rule.count {
            let beyond = Array(visits.suffix(visits.count - rule.count))
            found.add(
                .overFrequency, parts: [prescription.id.rawValue, first.description], patientID: prescription.patientID,
                prescriptionID: prescription.id, visits: beyond,
                message: "prescription \(prescription.id) allows \(rule); \(visits.count) visits are booked or done in the "
                    + "\(rule.period.name(from: first)); beyond the limit: \(Self.list(beyond))")
        }
    }

    /// Visits on days when the payer's check requires a letter of medical necessity that had not
    /// arrived (none received, or received after the visit's day): one alert per prescription.
    private func letterAlerts(_ prescription: Prescription, _ counted: [Visit], into found: inout AlertCollector) {
        var requiring: [RowID] = []
        let without = counted.filter { visit in
            guard let check = check(patientID: visit.appointment.patientID, payer: prescription.payer, on: visit.date), check.requiresLMN
            else { return false }
            if let received = prescription.lmnReceivedOn, received <= visit.date { return false }
            if !requiring.contains(check.id) { requiring.append(check.id) }
            return true
        }
        guard !without.isEmpty else { return }
        let letter = prescription.lmnReceivedOn.map { "the letter arrived on \($0), after" } ?? "no letter has been received for"
        found.add(
            .missingMedicalNecessityLetter, parts: [prescription.id.rawValue], patientID: prescription.patientID, prescriptionID: prescription.id,
            visits: without,
            message: "prescription \(prescription.id): payer \(prescription.payer) requires a letter of medical necessity (coverage check "
                + "\(requiring.map(\.rawValue).sorted().joined(separator: ", "))); \(letter) \(Self.list(without))")
    }

    /// A visit treating a region its prescription does not list (a prescription listing none
    /// allows any): a therapist may not widen a prescription.
    private func regionAlerts(_ prescription: Prescription, _ counted: [Visit], into found: inout AlertCollector) {
        guard !prescription.bodyRegions.isEmpty else { return }
        let allowed = prescription.bodyRegions.sorted().map(\.rawValue).joined(separator: ", ")
        for visit in counted {
            guard let region = visit.appointment.bodyRegion, !prescription.bodyRegions.contains(region) else { continue }
            found.add(
                .outsidePrescribedRegion, parts: [visit.id.rawValue, prescription.id.rawValue, region.rawValue],
                patientID: visit.appointment.patientID, prescriptionID: prescription.id, visits: [visit],
                message: "appointment \(visit.id) (\(visit.appointment.site), \(visit.appointment.startsAt)) treats \(region), which "
                    + "prescription \(prescription.id) does not list (\(allowed)); treating it needs an updated prescription")
        }
    }
}
