import Testing
@testable import ZweLauncher

@Suite("Liveness: consecutive failures, reset on success, UNHEALTHY at the threshold")
struct LivenessTrackerTests {
    @Test("Failures are counted in a row; the threshold's failure is UNHEALTHY")
    func threshold() {
        var tracker = LivenessTracker(failureThreshold: 3)
        #expect(tracker.record(passed: false) == .failing(count: 1))
        #expect(tracker.record(passed: false) == .failing(count: 2))
        #expect(tracker.record(passed: false) == .unhealthy)
        #expect(tracker.consecutiveFailures == 3)
    }

    @Test("A passing check resets the count, and says that it recovered only after failures")
    func successResets() {
        var tracker = LivenessTracker(failureThreshold: 2)
        #expect(tracker.record(passed: true) == .alive(recovered: false))
        #expect(tracker.record(passed: false) == .failing(count: 1))
        #expect(tracker.record(passed: true) == .alive(recovered: true))
        #expect(tracker.consecutiveFailures == 0)
        // Failures on either side of a success never add up to the threshold.
        #expect(tracker.record(passed: false) == .failing(count: 1))
        #expect(tracker.record(passed: true) == .alive(recovered: true))
        #expect(tracker.record(passed: false) == .failing(count: 1))
        #expect(tracker.record(passed: false) == .unhealthy)
    }

    @Test("A threshold of 1 makes the first failure UNHEALTHY; below 1 counts as 1")
    func smallThresholds() {
        var one = LivenessTracker(failureThreshold: 1)
        #expect(one.record(passed: false) == .unhealthy)
        var zero = LivenessTracker(failureThreshold: 0)
        #expect(zero.failureThreshold == 1)
        #expect(zero.record(passed: false) == .unhealthy)
    }
}
