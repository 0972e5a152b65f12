import ClinicSyncCore
import ClinicSyncStore
import ClinicSyncSync
import Foundation

/// Reads the merged tables as the coverage rules see them, with the calendar of the configured
/// `alerts.time_zone`.
struct CoverageReading {
    let rules: CoverageRules
    /// Rows left out because they cannot be read yet.
    let unreadableRows: Int
    /// Now, for "upcoming" appointments.
    let now: UTCDateTime

    /// Alert ids from SHA-256, as every site derives them.
    static let identity = AlertIdentity(sha256: { SiteChainCrypto().sha256($0) })

    /// The whole snapshot, or (`prescriptionID`) only what that prescription's usage reads.
    init(store: SiteStore, settings: SiteConfiguration.AlertSettings, now: Date = Date(), prescriptionID: RowID? = nil) throws(StoreError) {
        let calendar = settings.calendar(now: now)
        let (snapshot, unreadable) =
            if let prescriptionID {
                try store.coverageSnapshot(calendar, prescriptionID: prescriptionID)
            } else {
                try store.coverageSnapshot(calendar)
            }
        rules = CoverageRules(snapshot)
        unreadableRows = unreadable
        self.now = UTCDateTime(secondsSinceEpoch: Int(now.timeIntervalSince1970))
    }

    /// Every alert, acknowledged ones marked.
    var alerts: [CoverageAlert] { rules.alerts(identity: Self.identity) }
}

extension SiteConfiguration.AlertSettings {
    /// The clinic's calendar: days in `alerts.time_zone`, today as of `now`.
    func calendar(now: Date = Date()) -> CoverageCalendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day: @Sendable (Date) -> CalendarDate? = { [calendar] date in
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return try? CalendarDate(String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1), field: "date")
        }
        // A moment whose local day falls outside the years a date may have (a start at 0000-01-01
        // in a zone behind UTC) keeps its UTC day: the same at every site of the zone.
        let today = UTCDateTime(secondsSinceEpoch: Int(now.timeIntervalSince1970))
        return CoverageCalendar(today: day(now) ?? today.date, expiryWarningDays: expiryWarningDays) { moment in
            day(Date(timeIntervalSince1970: TimeInterval(moment.secondsSinceEpoch))) ?? moment.date
        }
    }

    /// What a booking is screened with at this site.
    func bookingScreen(strict: Bool) -> BookingScreen {
        BookingScreen(calendar: calendar(), identity: CoverageReading.identity, strict: strict)
    }
}
