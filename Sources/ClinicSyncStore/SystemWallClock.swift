import ClinicSyncCore
import Foundation

/// The machine's real-time clock, optionally shifted by a fixed offset.
///
/// The offset exists for fault-injection tests that simulate a site whose clock runs fast or slow.
package struct SystemWallClock: WallClock {
    /// Milliseconds added to the system time (negative: the site's clock runs slow).
    package let offsetMilliseconds: Int64

    /// A clock that reads the system time plus `offsetMilliseconds`.
    package init(offsetMilliseconds: Int64 = 0) {
        self.offsetMilliseconds = offsetMilliseconds
    }

    package func nowMilliseconds() -> UInt64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000) + offsetMilliseconds
        return UInt64(max(0, now))
    }
}
