import Foundation
import ZweConfiguration

/// One component as the supervisor sees it, with its run state. Touched only on the
/// supervisor's thread.
final class ManagedComponent {
    enum State: String {
        case starting = "STARTING"
        case ready = "READY"
        /// READY until its liveness checks failed the threshold's time in a row; being restarted.
        case unhealthy = "UNHEALTHY"
        case restarting = "RESTARTING"
        case failed = "FAILED"
        case stopped = "STOPPED"
    }

    let id: String
    var component: LaunchPlan.Component
    var state: State = .starting
    /// Not spawned yet because a dependency is not READY (shown as STARTING).
    var waitingForDependencies = true
    var pid: pid_t?
    var pidfd: Int32 = -1
    var outputFD: Int32 = -1
    let splitter: LineSplitter
    var startedAt: Double?
    var restarts = 0
    /// Seconds from the spawn to READY of the last start that got there.
    var readySeconds: Double?
    var failCount = 0
    var lastExitStatus: String?
    var health = "UNKNOWN"
    /// Set when the next exit is asked for (operator stop, instance stop, restart).
    var expectingExit = false
    var restartAfterExit = false
    var readyDeadline: Double?
    var reportedNotReady = false
    var probeGeneration = 0
    var probeInFlight = false
    /// Liveness checks of the current run, counted from its READY.
    var liveness = LivenessTracker(failureThreshold: 1)
    /// Set when the launcher itself stops the component because it is UNHEALTHY: its exit is a
    /// failure for the restart policy, not an operator stop.
    var stoppedAsUnhealthy = false
    var restartTimer: Int?
    var killTimer: Int?
    var spawnCount = 0

    init(component: LaunchPlan.Component, log: RotatingLog) {
        id = component.id
        self.component = component
        splitter = LineSplitter(log: log)
    }

    var isRunning: Bool { pid != nil }

    /// Longest chain of dependencies below it: the instance stops the highest first.
    func depth(in all: [String: ManagedComponent], seen: Set<String> = []) -> Int {
        var deepest = 0
        for dependency in component.dependsOn where !seen.contains(dependency) {
            if let other = all[dependency] { deepest = max(deepest, 1 + other.depth(in: all, seen: seen.union([id]))) }
        }
        return deepest
    }
}
