import ClinicSyncCore
import Foundation
import Hummingbird

/// The front desk's pages: recording a payer's verification call, and the day across every site.
extension ConsoleRoutes {
    func addDeskRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/coverage/new") { request, context in
            coverageForm(context, form: ConsoleCoverageForm.blank(patientID: request.uri.queryParameters.get("patient") ?? ""))
        }
        router.post("/coverage") { request, context in try await addCoverage(request, context: context) }
        router.get("/day") { request, context in try await day(request, context: context) }
    }

    private func coverageForm(
        _ context: ConsoleRequestContext, form: [[String: Any]], status: HTTPResponse.Status = .ok, error: String? = nil
    )
        -> Response
    {
        var object = layout(context, title: "Record a coverage check")
        object["fields"] = form
        if let error { object["error"] = error }
        return ConsoleServer.html(ConsolePages.render("coverage", object), status: status)
    }

    private func addCoverage(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let posted = try await ConsoleForm.read(request, context: context)
        guard let session = context.session, posted.carriesToken(session.csrfToken, request: request) else { return Response(status: .forbidden) }
        let form = ConsoleCoverageForm(posted.fields, site: application.siteID, checkedBy: session.account, today: application.today)
        guard let check = form.check else {
            return coverageForm(context, form: form.rows(), status: .badRequest, error: "Nothing was recorded: correct the fields marked below.")
        }
        do {
            _ = try await StoreThreads.run { [application] in try application.addCoverageCheck(check, force: false) }
        } catch let error as ApplicationError {
            return coverageForm(context, form: form.rows(), status: .badRequest, error: "Nothing was recorded: \(error.message)")
        }
        return ConsoleServer.redirect(to: "/patients/" + (check.patientID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
    }

    /// The appointments of one clinic day at every site, by therapist, double bookings marked.
    private func day(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        guard let session = context.session else { return Response(status: .unauthorized) }
        let date: CalendarDate
        if let text = request.uri.queryParameters.get("date"), !text.isEmpty {
            guard let parsed = try? CalendarDate(String(text), field: "date") else {
                return message(context, title: "Day", text: "The date must be a real calendar date written YYYY-MM-DD.", status: .badRequest)
            }
            date = parsed
        } else {
            date = application.today
        }
        let (appointments, doubled) = try await StoreThreads.run { [application] in
            let all = try application.appointments().filter { $0.startsAt.flatMap(application.clinicDay(of:)) == date }
            // The alerts computed once, both double-booking kinds taken from them.
            let doubleBookings: Set<String> = ["therapist_double_booked", "patient_double_booked"]
            let clashes = try application.alerts(all: true).alerts.filter { doubleBookings.contains($0.kind) }
            return (all, Set(clashes.flatMap(\.appointmentIDs)))
        }
        let patients = Set(appointments.compactMap(\.patientID))
        try await StoreThreads.run { [application] in
            try application.recordAccess(account: session.account, patientIDs: patients, page: "/day?date=\(date)")
        }
        let byTherapist = Dictionary(grouping: appointments) { ($0.therapist ?? "-").trimmingCharacters(in: .whitespaces).lowercased() }
        var object = layout(context, title: "Day \(date)")
        object["date"] = date.description
        object["previous"] = CalendarDate(daysSinceEpoch: date.daysSinceEpoch - 1).description
        object["next"] = CalendarDate(daysSinceEpoch: date.daysSinceEpoch + 1).description
        object["therapists"] = byTherapist.sorted { $0.key < $1.key }.map { _, visits -> [String: Any] in
            [
                "therapist": visits.first?.therapist ?? "-",
                "visits": visits.sorted { ($0.startsAt ?? "", $0.id) < ($1.startsAt ?? "", $1.id) }.map { visit -> [String: Any] in
                    [
                        "startsAt": ConsoleText.clinicTime(visit.startsAt, in: application.timeZone),
                        "minutes": visit.minutes.map(String.init) ?? "-", "site": visit.site ?? "-",
                        "patient": visit.patientID ?? "-", "name": visit.patientName ?? "-", "status": visit.status ?? "-",
                        "region": visit.bodyRegion ?? "", "id": visit.id, "doubled": doubled.contains(visit.id),
                    ]
                },
            ]
        }
        object["empty"] = appointments.isEmpty
        return ConsoleServer.html(ConsolePages.render("day", object))
    }
}

extension ConsoleCoverageForm {
    /// The form's rows before anything is typed (the defaults of `coverage add`).
    static func blank(patientID: String) -> [[String: Any]] {
        let defaults = [
            "patient_id": ConsoleText.attributeSafe(patientID), "requires_prescription": "yes", "requires_lmn": "no",
            "visit_limit_period": "plan_year",
        ]
        return fields.map { ["name": $0.name, "label": $0.label, "hint": $0.hint, "value": defaults[$0.name] ?? ""] }
    }
}
