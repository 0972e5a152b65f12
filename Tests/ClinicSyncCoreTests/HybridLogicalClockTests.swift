import ClinicSyncCore
import PropertyBased
import Testing

@Suite("Hybrid logical clock")
struct HybridLogicalClockTests {
    let peer = try! SiteID("peer")

    @Test("timestamps strictly increase whatever the wall clock does, stepping back included")
    func monotonicUnderAnyWallClock() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0...5_000_000).array(of: 1...200)) { readings in
            var clock = HybridLogicalClock()
            var previous = HybridTimestamp.zero
            for reading in readings {
                let issued = clock.next(wallClock: 1_700_000_000_000 + reading)
                #expect(issued > previous)
                previous = issued
            }
        }
    }

    @Test("after a wall-clock step back the clock keeps the later time and counts")
    func stepBack() {
        var clock = HybridLogicalClock()
        let before = clock.next(wallClock: 10_000)
        let afterStepBack = clock.next(wallClock: 4_000)
        #expect(afterStepBack > before)
        #expect(afterStepBack.milliseconds == 10_000)
        #expect(afterStepBack.counter == 1)
        #expect(clock.next(wallClock: 12_000) == HybridTimestamp(milliseconds: 12_000, counter: 0))
    }

    @Test("a restored clock never reissues a timestamp")
    func restoredClockContinues() {
        var clock = HybridLogicalClock()
        let issued = (0..<5).map { _ in clock.next(wallClock: 50_000) }
        var restored = HybridLogicalClock(lastIssued: clock.lastIssued)
        #expect(restored.next(wallClock: 40_000) > issued.last!)
    }

    @Test("the counter borrows the next millisecond rather than wrap")
    func counterOverflow() {
        var clock = HybridLogicalClock(lastIssued: HybridTimestamp(milliseconds: 7, counter: .max))
        #expect(clock.next(wallClock: 7) == HybridTimestamp(milliseconds: 8, counter: 0))
    }

    @Test("a witnessed timestamp is passed by the next local one")
    func witnessAdvances() throws {
        var clock = HybridLogicalClock()
        let remote = HybridTimestamp(milliseconds: 90_000, counter: 3)
        try clock.witness(remote, from: peer, wallClock: 60_000)
        #expect(clock.next(wallClock: 60_001) > remote)
    }

    @Test("a timestamp beyond the drift bound is refused and leaves the clock unchanged")
    func farFutureRefused() {
        var clock = HybridLogicalClock(maximumDrift: Milliseconds(300_000))
        let before = clock
        let remote = HybridTimestamp(milliseconds: 1_000_000 + 300_001, counter: 0)
        #expect(throws: ClockError.timestampTooFarAhead(origin: peer, aheadBy: Milliseconds(300_001), bound: Milliseconds(300_000))) {
            try clock.witness(remote, from: peer, wallClock: 1_000_000)
        }
        #expect(clock == before)
        #expect(throws: Never.self) {
            try clock.witness(HybridTimestamp(milliseconds: 1_300_000, counter: 9), from: peer, wallClock: 1_000_000)
        }
    }

    @Test("packing keeps milliseconds and counter and orders like the pair")
    func packing() async {
        await propertyCheck(input: Gen.uint64(in: 0...HybridTimestamp.maxMilliseconds), Gen.uint16()) { ms, counter in
            let stamp = HybridTimestamp(milliseconds: ms, counter: counter)
            #expect(stamp.milliseconds == ms && stamp.counter == counter)
            #expect(HybridTimestamp(rawValue: stamp.rawValue) == stamp)
            if counter < .max { #expect(stamp < HybridTimestamp(milliseconds: ms, counter: counter + 1)) }
        }
    }
}
