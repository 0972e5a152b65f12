import Testing

@testable import ClinicSyncDaemon

/// The scheduler's decisions, with instants given (no clock, no sleeping) and no jitter.
@Suite("When each peer's round is due")
struct SyncScheduleTests {
    typealias Instant = ContinuousClock.Instant
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> Instant { start.advanced(by: .seconds(seconds)) }

    func schedule() -> SyncSchedule<Instant> {
        SyncSchedule(interval: .seconds(30), maximumBackoff: .seconds(300), jitter: { 1.0 })
    }

    @Test("every peer is due at first; a peer that synced is due again one interval later")
    func intervalAfterSuccess() {
        var schedule = schedule()
        #expect(schedule.due(["a", "b"], at: at(0)) == ["a", "b"])
        schedule.roundFinished("a", succeeded: true, at: at(1))
        #expect(schedule.due(["a", "b"], at: at(2)) == ["b"])
        #expect(schedule.due(["a", "b"], at: at(31)) == ["a", "b"])
        #expect(schedule.wakeUp(for: ["a"], after: at(2)) == at(31))
    }

    @Test("a failing peer backs off: 30, 60, 120, 240 s, then 300 s (the cap) for as long as it fails")
    func backoffDoublesUpToTheCap() {
        var schedule = schedule()
        var now = 0.0
        var backoffs: [Double] = []
        for _ in 0..<7 {
            schedule.roundFinished("down", succeeded: false, at: at(now))
            // The scheduler still wakes at least once an interval (for the other peers, and reloads).
            #expect(at(now).duration(to: schedule.wakeUp(for: ["down"], after: at(now))) <= .seconds(30))
            var next = now
            while schedule.due(["down"], at: at(next)).isEmpty { next += 1 }
            backoffs.append(next - now)
            now = next
        }
        #expect(backoffs == [30, 60, 120, 240, 300, 300, 300])
        schedule.roundFinished("down", succeeded: true, at: at(now))
        #expect(!schedule.isFailing("down"))
        #expect(schedule.due(["down"], at: at(now + 29)).isEmpty && schedule.due(["down"], at: at(now + 30)) == ["down"])
    }

    @Test("jitter scales every wait, so sites started together drift apart")
    func jitterScalesWaits() {
        var schedule = SyncSchedule<Instant>(interval: .seconds(30), maximumBackoff: .seconds(300), jitter: { 1.1 })
        schedule.roundFinished("a", succeeded: true, at: at(0))
        #expect(schedule.due(["a"], at: at(32.9)).isEmpty && schedule.due(["a"], at: at(33.01)) == ["a"])
    }

    @Test("new changes make every peer due at once, except those backing off")
    func changesSkipFailingPeers() {
        var schedule = schedule()
        schedule.roundFinished("up", succeeded: true, at: at(0))
        schedule.roundFinished("down", succeeded: false, at: at(0))
        #expect(schedule.due(["up", "down"], at: at(5)).isEmpty)
        schedule.changesArrived(["up", "down"], at: at(5))
        #expect(schedule.due(["up", "down"], at: at(5)) == ["up"])
    }

    @Test("a failing peer that calls in is tried at once, at most once per interval")
    func peerCallingInIsRetried() {
        var schedule = schedule()
        schedule.roundFinished("nat", succeeded: false, at: at(0))
        schedule.peerCalled("nat", at: at(5))
        #expect(schedule.due(["nat"], at: at(5)) == ["nat"])
        schedule.roundFinished("nat", succeeded: false, at: at(6))
        schedule.peerCalled("nat", at: at(10))
        #expect(schedule.due(["nat"], at: at(10)).isEmpty, "a second call within the interval retries nothing")
        schedule.peerCalled("nat", at: at(36))
        #expect(schedule.due(["nat"], at: at(36)) == ["nat"])
        // A peer that is not failing is on its interval already: a call changes nothing.
        schedule.roundFinished("ok", succeeded: true, at: at(0))
        schedule.peerCalled("ok", at: at(1))
        #expect(schedule.due(["ok"], at: at(1)).isEmpty)
    }

    @Test("a peer being retried goes after those that synced last time, so one that is down holds up no other")
    func retriesGoLast() {
        var schedule = schedule()
        schedule.roundFinished("down", succeeded: false, at: at(0))
        schedule.roundFinished("up", succeeded: true, at: at(0))
        #expect(schedule.due(["down", "up"], at: at(60)) == ["up", "down"])
    }

    @Test("a round that could not start (the lock was held) is not the peer's failure: it keeps its state and is tried again soon")
    func skippedRoundIsNotAFailure() {
        var schedule = schedule()
        schedule.roundFinished("up", succeeded: true, at: at(0))
        schedule.roundSkipped("up", at: at(30))
        #expect(!schedule.isFailing("up"))
        #expect(schedule.due(["up"], at: at(30.5)).isEmpty && schedule.due(["up"], at: at(31)) == ["up"])
        schedule.changesArrived(["up"], at: at(31))
        #expect(schedule.due(["up"], at: at(31)) == ["up"], "live sync still reaches it")
    }

    @Test("a `sync now` that reached a failing peer ends its backoff; one that reached a healthy peer changes nothing")
    func syncElsewhereEndsBackoff() {
        var schedule = schedule()
        schedule.roundFinished("down", succeeded: false, at: at(0))
        schedule.roundFinished("down", succeeded: false, at: at(30))
        schedule.syncedElsewhere("down", syncedAt: at(40))
        #expect(!schedule.isFailing("down"))
        schedule.changesArrived(["down"], at: at(41))
        #expect(schedule.due(["down"], at: at(41)) == ["down"])
        schedule.roundFinished("ok", succeeded: true, at: at(0))
        schedule.syncedElsewhere("ok", syncedAt: at(10))
        #expect(schedule.due(["ok"], at: at(29)).isEmpty)
    }

    @Test("after a peer recovers, its next failure may be retried on its next call at once")
    func callInLimitResetsOnSuccess() {
        var schedule = schedule()
        schedule.roundFinished("nat", succeeded: false, at: at(0))
        schedule.peerCalled("nat", at: at(1))
        schedule.roundFinished("nat", succeeded: true, at: at(2))
        schedule.roundFinished("nat", succeeded: false, at: at(5))
        schedule.peerCalled("nat", at: at(6))
        #expect(schedule.due(["nat"], at: at(6)) == ["nat"])
    }

    @Test("a `sync now` success older than the peer's last failure here does not end its backoff")
    func olderSuccessDoesNotEraseNewerFailure() {
        var schedule = schedule()
        schedule.roundFinished("flaky", succeeded: false, at: at(10))
        schedule.syncedElsewhere("flaky", syncedAt: at(5))
        #expect(schedule.isFailing("flaky"))
        schedule.syncedElsewhere("flaky", syncedAt: at(11))
        #expect(!schedule.isFailing("flaky"))
    }
}
