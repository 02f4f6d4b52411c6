/// The liveness state machine of one READY component: consecutive failed checks are counted, a
/// passing check clears the count, and the check that reaches the failure threshold makes the
/// component UNHEALTHY. Pure, so that its rules are tested without processes; the supervisor
/// owns the timing and what UNHEALTHY leads to (a restart through the stop path).
struct LivenessTracker: Equatable {
    enum Verdict: Equatable {
        /// The check passed; `recovered` when earlier checks of this run had failed.
        case alive(recovered: Bool)
        /// The check failed, `count` in a row, still under the threshold.
        case failing(count: Int)
        /// The check failed for the threshold's time in a row.
        case unhealthy
    }

    let failureThreshold: Int
    private(set) var consecutiveFailures = 0

    init(failureThreshold: Int) {
        self.failureThreshold = max(1, failureThreshold)
    }

    mutating func record(passed: Bool) -> Verdict {
        if passed {
            let recovered = consecutiveFailures > 0
            consecutiveFailures = 0
            return .alive(recovered: recovered)
        }
        consecutiveFailures += 1
        return consecutiveFailures >= failureThreshold ? .unhealthy : .failing(count: consecutiveFailures)
    }
}
