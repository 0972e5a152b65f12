import ClinicSyncTestSupport
import Foundation

/// Seeded random writes through the CLI and the sqlite3 shell, concentrated on a few rows so that
/// concurrent edits of the same fields (conflicts) are frequent.
struct Workload {
    var random: SeededRandom
    var ledger = Ledger()
    /// ORM-style delete-and-reinserts the database refused, as it must.
    private(set) var resavesRefused = 0
    private var counter = 0

    init(seed: UInt64) { random = SeededRandom(seed: seed ^ 0x5EED) }

    /// The row ids writes aim at: the first few created, most of the time.
    private mutating func hotRow(_ rows: [String]) -> String? {
        guard !rows.isEmpty else { return nil }
        return random.chance(75) ? rows[Int.random(in: 0..<min(3, rows.count), using: &random)] : rows.randomElement(using: &random)
    }

    /// The number each site gave its latest change, as last read.
    private var lastSequences: [String: Int64] = [:]

    /// The number the site gave the write just acknowledged (only this workload writes at a site,
    /// and the daemon never writes changes of its own), or `nil` when the write changed nothing
    /// (an update to the value the field already held is not logged).
    private mutating func lastSequence(at site: ChaosSite) throws -> Int64? {
        let text = try site.sqlite("SELECT last_seq FROM sync_clock;").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let sequence = Int64(text), sequence > lastSequences[site.name, default: 0] else { return nil }
        lastSequences[site.name] = sequence
        return sequence
    }

    /// A restore moves the site's numbering on (to numbers no lost change can have): the next
    /// write's number is compared with the restored site's, not with the lost disk's.
    mutating func siteRestored(_ site: ChaosSite) throws {
        let text = try site.sqlite("SELECT last_seq FROM sync_clock;").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let sequence = Int64(text) else { throw WorkloadViolation(description: "\(site.name): no numbering after its restore") }
        lastSequences[site.name] = sequence
    }

    /// An ORM's "save": delete the row and insert it again under the same id, in one transaction.
    /// The database must refuse it at once (deletes are final) and log nothing; a row not here yet
    /// is skipped.
    private mutating func resave(_ row: String, at site: ChaosSite) throws -> String {
        let present = try site.sqlite("SELECT COUNT(*) FROM appointments WHERE id = '\(row)';").stdout
        guard present.trimmingCharacters(in: .whitespacesAndNewlines) == "1" else { return "\(site.name): resave skipped (row not here)" }
        let before = try site.sqlite("SELECT last_seq FROM sync_clock;").stdout
        let result = try site.sqlite(
            """
            BEGIN; DELETE FROM appointments WHERE id = '\(row)';
            INSERT INTO appointments (id, patient_id, patient_name, therapist, site, starts_at, minutes, units, status)
            VALUES ('\(row)', 'p1', 'Patient p1', 'Sam', 'chaos', '2026-12-01T10:00:00Z', 30, 2, 'scheduled'); COMMIT;
            """)
        let after = try site.sqlite("SELECT last_seq FROM sync_clock;").stdout
        guard result.status != 0, before == after else {
            throw WorkloadViolation(
                description: "\(site.name): a delete-and-reinsert of \(row) was not refused whole (exit \(result.status), log \(before) -> \(after))")
        }
        resavesRefused += 1
        return "\(site.name): resave of \(row.prefix(8)) refused"
    }

    /// Records a payer's answers, or corrects a visit limit, at `site` (a 20-column row of schema 2);
    /// now and then acknowledges an open alert there (a synced row of its own).
    private mutating func coverageStep(at site: ChaosSite, forced: [String]) throws -> String {
        let limit = Int.random(in: 4...20, using: &random)
        if random.chance(20) {
            let listed = try site.run(["alerts", "--json"])
            guard listed.status == 0, let alert = Self.firstAlertID(listed.stdout) else { return "\(site.name): no alert to acknowledge" }
            let result = try site.run(["alerts", "ack", alert, "--by", "chaos", "--json"] + forced)
            guard result.status == 0 else { return "\(site.name): acknowledge refused (\(result.status))" }
            // The acknowledgement took a number (when it was new): the next write's is above it.
            _ = try lastSequence(at: site)
            return "\(site.name): acknowledged \(alert)"
        }
        if let id = ledger.coverageChecks.randomElement(using: &random), random.chance(60) {
            let result = try site.run(["coverage", "update", id, "--visit-limit", String(limit)] + forced)
            guard result.status == 0 else { return "\(site.name): update coverage check refused (\(result.status))" }
            guard let sequence = try lastSequence(at: site) else { return "\(site.name): coverage check \(id.prefix(8)) already \(limit)" }
            ledger.wrote(site: site.name, table: "coverage_checks", row: id, column: "visit_limit", value: String(limit), sequence: sequence)
            return "\(site.name): coverage check \(id.prefix(8)) visit_limit=\(limit)"
        }
        let result = try site.run(
            [
                "coverage", "add", "--patient-id", "p1", "--payer", "Aetna", "--member-id", "W1", "--covered", "yes", "--checked-by", "chaos",
                "--visit-limit", String(limit), "--in-network", "alpha", "--icd10", "M54.50",
            ] + forced)
        guard result.status == 0 else { return "\(site.name): add coverage check failed (\(result.status))" }
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        ledger.created("coverage_checks", id)
        ledger.wrote(
            site: site.name, table: "coverage_checks", row: id, column: "visit_limit", value: String(limit), sequence: try lastSequence(at: site))
        return "\(site.name): add coverage check \(id.prefix(8))"
    }

    /// The first alert id in `alerts --json` output.
    private static func firstAlertID(_ json: String) -> String? {
        guard let range = json.range(of: #""id" : ""#) else { return nil }
        let rest = json[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Performs one write at `site` (with `force`, clinicsync's writes pass `--force`, as a front
    /// desk would while its site's clock is ahead); returns a line for the schedule log.
    mutating func step(at site: ChaosSite, force: Bool = false) throws -> String {
        counter += 1
        let forced = force ? ["--force"] : []
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 15 || ledger.appointments.isEmpty {
            let therapist = ["Sam", "Kim", "Alex"].randomElement(using: &random)!
            let minutes = [30, 45, 60].randomElement(using: &random)!
            let patient = "p\(Int.random(in: 1...3, using: &random))"
            let result = try site.run(
                [
                    "appointment", "add", "--patient-id", patient, "--patient-name", "Patient \(patient)",
                    "--therapist", therapist, "--starts-at", "2026-12-0\(Int.random(in: 1...9, using: &random))T10:00:00Z",
                    "--minutes", String(minutes),
                ] + forced)
            guard result.status == 0 else { return "\(site.name): add appointment failed (\(result.status))" }
            let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            ledger.created("appointments", id)
            let sequence = try lastSequence(at: site)
            for (column, value) in [("patient_id", patient), ("therapist", therapist), ("minutes", String(minutes)), ("status", "scheduled")] {
                ledger.wrote(site: site.name, table: "appointments", row: id, column: column, value: value, sequence: sequence)
            }
            return "\(site.name): add appointment \(id.prefix(8))"
        }
        if roll < 22, random.chance(25) { return try coverageStep(at: site, forced: forced) }
        if roll < 22 {
            let visits = Int.random(in: 4...12, using: &random)
            if let id = ledger.prescriptions.randomElement(using: &random), random.chance(60) {
                // The visits authorized, or the frequency typed as a front desk would and stored as its rule.
                let perWeek = Int.random(in: 1...3, using: &random)
                let (flag, typed, column, stored) =
                    random.chance(50)
                    ? ("--visits", String(visits), "visits_authorized", String(visits))
                    : ("--frequency", "\(perWeek)x/week", "frequency", "\(perWeek) per week")
                let result = try site.run(["prescription", "update", id, flag, typed] + forced)
                guard result.status == 0 else { return "\(site.name): update prescription refused (\(result.status))" }
                guard let sequence = try lastSequence(at: site) else {
                    return "\(site.name): prescription \(id.prefix(8)) already \(column)=\(stored)"
                }
                ledger.wrote(site: site.name, table: "prescriptions", row: id, column: column, value: stored, sequence: sequence)
                return "\(site.name): prescription \(id.prefix(8)) \(column)=\(stored)"
            }
            let result = try site.run(
                [
                    "prescription", "add", "--patient-id", "p1", "--patient-name", "Patient p1", "--prescriber", "Dr Lee",
                    "--npi", "1234567893", "--diagnosis", "Lumbago", "--icd10", "M54.50", "--visits", String(visits),
                    "--issued-on", "2026-11-01", "--expires-on", "2027-05-01", "--payer", "Aetna", "--member-id", "W1",
                ] + forced)
            guard result.status == 0 else { return "\(site.name): add prescription failed (\(result.status))" }
            let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            ledger.created("prescriptions", id)
            ledger.wrote(
                site: site.name, table: "prescriptions", row: id, column: "visits_authorized", value: String(visits),
                sequence: try lastSequence(at: site))
            return "\(site.name): add prescription \(id.prefix(8))"
        }
        guard let row = hotRow(ledger.appointments) else { return "\(site.name): idle" }
        if roll < 30 {
            let value = "shell-\(counter)"
            let result = try site.sqlite("UPDATE appointments SET notes = '\(value)' WHERE id = '\(row)'; SELECT changes();")
            guard result.status == 0, result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1" else {
                return "\(site.name): shell write skipped (row not here yet)"
            }
            ledger.wrote(site: site.name, table: "appointments", row: row, column: "notes", value: value, sequence: try lastSequence(at: site))
            return "\(site.name): sqlite3 notes of \(row.prefix(8))"
        }
        if roll < 34 {
            let result = try site.run(["appointment", "delete", row] + forced)
            guard result.status == 0 else { return "\(site.name): delete \(row.prefix(8)) refused (\(result.status))" }
            ledger.deleted()
            _ = try lastSequence(at: site)  // the delete took a number: the next write's is above it
            return "\(site.name): delete \(row.prefix(8))"
        }
        if roll < 37 {
            return try resave(row, at: site)
        }
        let (flag, column, value): (String, String, String) = {
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                let v = ["Sam", "Kim", "Alex", "Lee"].randomElement(using: &random)!
                return ("--therapist", "therapist", v)
            case 1:
                let v = ["checked_in", "completed", "cancelled", "no_show", "scheduled"].randomElement(using: &random)!
                return ("--status", "status", v)
            case 2: return ("--notes", "notes", "note-\(counter)")
            case 3: return ("--body-region", "body_region", ["neck", "lower back", "left ankle"].randomElement(using: &random)!)
            default:
                let v = String([15, 30, 45, 60, 90].randomElement(using: &random)!)
                return ("--minutes", "minutes", v)
            }
        }()
        let result = try site.run(["appointment", "update", row, flag, value] + forced)
        guard result.status == 0 else { return "\(site.name): update \(row.prefix(8)) refused (\(result.status))" }
        guard let sequence = try lastSequence(at: site) else { return "\(site.name): \(column) of \(row.prefix(8)) already \(value)" }
        ledger.wrote(site: site.name, table: "appointments", row: row, column: column, value: value, sequence: sequence)
        return "\(site.name): \(column)=\(value) on \(row.prefix(8))"
    }
}

/// A write the database must have refused went through: the harness stops the seed.
struct WorkloadViolation: Error, CustomStringConvertible {
    let description: String
}
