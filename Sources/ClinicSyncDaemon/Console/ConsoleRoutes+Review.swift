import ClinicSyncCore
import Foundation
import Hummingbird

/// The alerts page (acknowledge, every role) and the conflicts page (resolve, admins only).
extension ConsoleRoutes {
    func addReviewRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/alerts") { request, context in try await alerts(context, notice: request.uri.queryParameters.get("done")) }
        router.post("/alerts/ack") { request, context in try await acknowledge(request, context: context) }
        router.get("/conflicts") { request, context in try await conflicts(context, notice: request.uri.queryParameters.get("done")) }
        router.post("/conflicts/resolve") { request, context in try await resolve(request, context: context) }
    }

    private func alerts(
        _ context: ConsoleRequestContext, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = context.session else { return Response(status: .unauthorized) }
        let list = try await StoreThreads.run { [application] in try application.alerts() }
        // Alerts name patients and list their visits: each one shown is a view of that patient's data.
        try await StoreThreads.run { [application] in
            try application.recordAccess(account: session.account, patientIDs: try application.patientIDs(of: list.alerts), page: "/alerts")
        }
        var object = layout(context, title: "Alerts")
        let kinds = Dictionary(grouping: list.alerts, by: \.kind).sorted { $0.key < $1.key }.map { kind, alerts -> [String: Any] in
            [
                "kind": kind, "count": alerts.count,
                "alerts": alerts.map { alert -> [String: Any] in
                    [
                        "id": alert.id, "patient": alert.patientID ?? "-", "prescription": alert.prescriptionID ?? "-",
                        "appointments": alert.appointmentIDs.joined(separator: ", "), "sites": alert.sites.joined(separator: ", "),
                        "message": alert.message,
                    ]
                },
            ]
        }
        object["kinds"] = kinds
        object["hasAlerts"] = !kinds.isEmpty
        if let notice { object["notice"] = "Acknowledged \(notice)." }
        if let error { object["error"] = error }
        return ConsoleServer.html(ConsolePages.render("alerts", object), status: status)
    }

    private func acknowledge(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard let session = context.session, form.carriesToken(session.csrfToken, request: request) else { return Response(status: .forbidden) }
        let id = form.fields["id"] ?? ""
        let note = form.fields["note"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        do {
            _ = try await StoreThreads.run { [application] in
                try application.acknowledgeAlert(id: id, by: session.account, note: note, force: false)
            }
        } catch let error as ApplicationError {
            return try await alerts(context, error: error.message, status: error.kind == .notFound ? .notFound : .badRequest)
        }
        return ConsoleServer.redirect(to: "/alerts?done=" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
    }

    private func conflicts(
        _ context: ConsoleRequestContext, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = context.session else { return Response(status: .unauthorized) }
        let entries = try await StoreThreads.run { [application] in try application.conflicts(all: false) }
        try await StoreThreads.run { [application] in
            try application.recordAccess(account: session.account, patientIDs: try application.patientIDs(of: entries), page: "/conflicts")
        }
        var object = layout(context, title: "Conflicts")
        let zone = application.timeZone
        object["entries"] = entries.map { entry -> [String: Any] in
            [
                "id": entry.id, "table": entry.table, "row": entry.rowID, "column": entry.column,
                "winner": entry.winnerDeleted ? "(the row was deleted)" : ConsoleText.value(entry.winnerValue?.value),
                "winnerSite": entry.winnerOrigin, "winnerTime": ConsoleText.time(hlc: entry.winnerHLC, in: zone),
                "loser": ConsoleText.value(entry.loserValue.value), "loserSite": entry.loserOrigin,
                "loserTime": ConsoleText.time(hlc: entry.loserHLC, in: zone),
            ]
        }
        object["hasEntries"] = !entries.isEmpty
        object["timeZone"] = zone.identifier
        if let notice { object["notice"] = "Resolved \(notice)." }
        if let error { object["error"] = error }
        return ConsoleServer.html(ConsolePages.render("conflicts", object), status: status)
    }

    private func resolve(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request, context: context)
        guard let session = context.session, form.carriesToken(session.csrfToken, request: request) else { return Response(status: .forbidden) }
        guard session.role == .admin else {
            return message(context, title: "Not allowed", text: "Only an admin account may resolve conflicts.", status: .forbidden)
        }
        let id = form.fields["id"] ?? ""
        let resolution: SiteApplication.ConflictResolution
        switch form.fields["decision"] {
        case "winner": resolution = .keepWinner
        case "loser": resolution = .keepLoser
        case "value": resolution = .value(form.fields["value"] ?? "")
        default: return try await conflicts(context, error: "Choose to keep the winner, keep the loser or write a new value.", status: .badRequest)
        }
        let note = form.fields["note"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        do {
            _ = try await StoreThreads.run { [application] in
                try application.resolveConflict(id: id, resolution, by: session.account, note: note, force: false)
            }
        } catch let error as ApplicationError {
            return try await conflicts(context, error: error.message, status: error.kind == .notFound ? .notFound : .badRequest)
        }
        return ConsoleServer.redirect(to: "/conflicts?done=" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
    }
}
