/// A source of wall-clock time in milliseconds since the Unix epoch.
///
/// The core never reads the system clock itself; the store and daemon pass an implementation in,
/// and tests pass one they control.
package protocol WallClock: Sendable {
    /// The current time in milliseconds since 1970-01-01T00:00:00Z.
    func nowMilliseconds() -> UInt64
}
