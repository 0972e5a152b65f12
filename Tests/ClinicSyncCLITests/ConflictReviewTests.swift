import ClinicSyncCore
import ClinicSyncDaemon
import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Reviewing the conflict journal, end to end")
struct ConflictReviewTests {
    /// Two sites edit one appointment's therapist while apart; after sync both journal the loser.
    static func conflictingSites() async throws -> (downtown: SiteProcess, uptown: SiteProcess, appointment: String, entry: ConflictView) {
        let sites = try await SiteProcess.line("downtown", "uptown", live: false)
        let (downtown, uptown) = (sites[0], sites[1])
        for site in sites { try await site.start() }
        let appointment = try await downtown.addAppointment()
        #expect(try await downtown.syncNow().status == 0)
        try await downtown.cli.succeed(["appointment", "update", appointment, "--therapist", "Kim", "--notes", "prefers mornings"])
        try await uptown.cli.succeed(["appointment", "update", appointment, "--therapist", "Alex", "--notes", "prefers evenings"])
        #expect(try await downtown.syncNow().status == 0)
        let entries = try await downtown.cli.decode([ConflictView].self, ["conflicts", "--json"])
        #expect(entries.map(\.column).sorted() == ["notes", "therapist"])
        let entry = try #require(entries.first { $0.column == "therapist" })
        #expect(
            try await uptown.cli.decode([ConflictView].self, ["conflicts", "--json"]).map(\.id) == entries.map(\.id), "the same ids at both sites")
        return (downtown, uptown, appointment, entry)
    }

    @Test("keeping the losing value at one site writes it as a new change; after sync the field and the review are at both sites")
    func keepLoser() async throws {
        let (downtown, uptown, appointment, entry) = try await Self.conflictingSites()
        let loser = Self.text(entry.loserValue)
        let review = try await uptown.cli.decode(
            ConflictReviewView.self, ["conflicts", "resolve", entry.id, "--keep", "loser", "--note", "Kim confirmed", "--by", "Pat", "--json"])
        #expect(review.decision == "loser" && review.site == "uptown" && review.reviewedBy == "Pat" && review.note == "Kim confirmed")
        #expect(try await uptown.syncNow().status == 0)
        for site in [downtown, uptown] {
            #expect(
                try await site.cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).therapist == loser, "\(site.name)")
            #expect(
                try await site.cli.decode([ConflictView].self, ["conflicts", "--json"]).map(\.column) == ["notes"],
                "\(site.name): reviewed entries are not listed")
            let all = try await site.cli.decode([ConflictView].self, ["conflicts", "--all", "--json"])
            #expect(all.first { $0.id == entry.id }?.review?.decision == "loser", "\(site.name)")
        }
        #expect(try await downtown.state() == uptown.state())
        let again = try await downtown.cli.run(["conflicts", "resolve", entry.id, "--keep", "winner"])
        #expect(again.status == 65 && again.stderr.contains("reviewed already (loser by Pat at uptown"), "\(again.stderr)")
    }

    @Test("a new value, or keeping the winner, settles the entry; values that break the row's rules are refused and change nothing")
    func newValueAndRefusals() async throws {
        let (downtown, uptown, appointment, entry) = try await Self.conflictingSites()
        let before = try await downtown.changeCount()
        let refusals: [([String], Int32, String)] = [
            (["conflicts", "resolve", entry.id], 64, "exactly one of"),
            (["conflicts", "resolve", entry.id, "--keep", "winner", "--value", "x"], 64, "exactly one of"),
            (["conflicts", "resolve", entry.id, "--keep", "both"], 64, "--keep"),
            (["conflicts", "resolve", "conflict-0123456789abcdef", "--keep", "winner"], 66, "no conflict-journal entry"),
            (["conflicts", "resolve", "c-1", "--keep", "winner"], 64, "not a conflict id"),
            (["conflicts", "resolve", entry.id, "--value", ""], 65, "therapist"),
        ]
        for (arguments, status, mention) in refusals {
            let result = try await downtown.cli.run(arguments)
            #expect(result.status == status && result.stderr.contains(mention), "\(arguments): \(result.status) \(result.stderr)")
        }
        #expect(try await downtown.changeCount() == before, "nothing was written")
        // Keeping the winner writes nothing but the review.
        let notes = try #require(try await downtown.cli.decode([ConflictView].self, ["conflicts", "--json"]).first { $0.column == "notes" })
        let kept = try await downtown.cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).notes
        try await downtown.cli.succeed(["conflicts", "resolve", notes.id, "--keep", "winner", "--note", "evenings it is"])
        #expect(try await downtown.changeCount() == before + 1, "one change: the review row")
        #expect(try await downtown.cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).notes == kept)
        try await downtown.cli.succeed(["conflicts", "resolve", entry.id, "--value", "Robin"])
        #expect(try await downtown.cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).therapist == "Robin")
        #expect(try await downtown.syncNow().status == 0)
        #expect(try await uptown.cli.decode(AppointmentView.self, ["appointment", "show", appointment, "--json"]).therapist == "Robin")
        let reviewed = try await uptown.cli.decode([ConflictView].self, ["conflicts", "--all", "--json"])
        #expect(
            reviewed.first { $0.id == entry.id }?.review?.decision == "value" && reviewed.first { $0.id == notes.id }?.review?.decision == "winner")
        #expect(try await uptown.cli.decode([ConflictView].self, ["conflicts", "--json"]).isEmpty)
    }

    static func text(_ view: FieldValueView) -> String? {
        guard case .text(let text) = view.value else { return nil }
        return text
    }
}
