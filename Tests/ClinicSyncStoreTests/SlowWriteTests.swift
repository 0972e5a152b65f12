import ClinicSyncStore
import Synchronization
import Testing

/// The daemon's warning for write transactions over a second (the "no transaction over 1 s" bound).
@Suite("Slow write transactions")
struct SlowWriteTests {
    @Test("a write transaction over the threshold is reported with its operation; none under it")
    func slowWritesAreReported() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixtures.store("north", in: directory)
        let reported = Mutex<[String]>([])
        store.reportSlowWrites(over: .seconds(3_600)) { operation, _ in reported.withLock { $0.append(operation) } }
        try store.addAppointment(Fixtures.appointment())
        #expect(reported.withLock { $0 }.isEmpty)
        // Every transaction takes longer than nothing.
        store.reportSlowWrites(over: .zero) { operation, duration in reported.withLock { $0.append("\(operation) \(duration > .zero)") } }
        try store.addAppointment(Fixtures.appointment())
        let lines = reported.withLock { $0 }
        #expect(lines.count == 1 && lines[0].hasSuffix(" true") && !lines[0].hasPrefix(" "), "\(lines)")
    }
}
