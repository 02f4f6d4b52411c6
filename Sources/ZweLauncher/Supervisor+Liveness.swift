import Foundation
import ZweMessages
import ZwePKCS12

/// Liveness of READY components, as Kubernetes' livenessProbe: the same health check as for
/// READY, again every ZWE_LIVENESS_PERIOD seconds, each given ZWE_LIVENESS_TIMEOUT seconds.
/// The checks of every READY component run together, in one round per period: one timer of
/// the event loop starts it (the loop sleeps until then, and indefinitely while no component
/// is READY), each check runs on a thread of its own so that a hung component neither blocks
/// the supervisor nor delays the others' checks, and the round hands back all its results
/// with one wake-up. So the launcher wakes twice a period, whatever the number of components.
/// ZWE_LIVENESS_FAILURE_THRESHOLD failures in a row make a component UNHEALTHY: it is stopped
/// on the stop path (SIGTERM, shutdown timeout, SIGKILL) and its exit is a failure for the
/// restart policy, like a crash.
extension Supervisor {
    /// Starts watching a component that just became READY: it is checked in the next round,
    /// which is at most one period away.
    func watchLiveness(_ item: ManagedComponent) {
        guard item.component.port != nil, item.component.healthPath != nil else { return }
        item.liveness = LivenessTracker(failureThreshold: item.component.liveness.failureThreshold)
        guard livenessRoundTimer == nil, livenessRoundStartedAt == nil else { return }
        scheduleLivenessRound(after: Double(item.component.liveness.period))
    }

    /// READY components with a health check that no stop is under way for.
    var livenessWatched: [ManagedComponent] {
        order.compactMap { managed[$0] }.filter { item in
            item.state == .ready && item.isRunning && !item.expectingExit
                && item.component.port != nil && item.component.healthPath != nil
        }
    }

    func scheduleLivenessRound(after delay: Double) {
        cancel(livenessRoundTimer)
        livenessRoundTimer = schedule(after: delay) { [weak self] in
            guard let self else { return }
            self.livenessRoundTimer = nil
            self.startLivenessRound()
        }
    }

    func startLivenessRound() {
        let checks = livenessWatched.compactMap { item -> (id: String, generation: Int, port: Int, path: String, timeout: Int)? in
            guard let port = item.component.port, let path = item.component.healthPath else { return nil }
            return (item.id, item.probeGeneration, port, path, item.component.liveness.timeout * 1000)
        }
        // Nothing to watch: no timer is left, and the launcher sleeps until something happens.
        guard !stopping, !checks.isEmpty else { return }
        livenessRoundStartedAt = Self.now()
        let round = LivenessRound(count: checks.count, results: probeResults, wake: wakeFD)
        let address = plan.loopbackAddress
        let anchors = anchors
        for check in checks {
            // Threads, not Dispatch, for the reason given in launchProbe.
            Thread {
                let outcome = TLSProbe.get(address: address, port: check.port, path: check.path, anchors: anchors,
                                           timeoutMilliseconds: check.timeout)
                round.finished(ProbeResults.Result(id: check.id, generation: check.generation, liveness: true, outcome: outcome))
            }.start()
        }
    }

    /// The next round one period after the last began, or at once when it took longer.
    func livenessRoundEnded() {
        let started = livenessRoundStartedAt ?? Self.now()
        livenessRoundStartedAt = nil
        guard !stopping, let period = livenessWatched.map(\.component.liveness.period).min() else { return }
        scheduleLivenessRound(after: max(0, Double(period) - (Self.now() - started)))
    }

    func livenessCheckFinished(_ result: ProbeResults.Result) {
        // A component being stopped anyway (operator, instance stop) is left to that stop.
        guard let item = managed[result.id], item.probeGeneration == result.generation, item.isRunning, item.state == .ready,
              !item.expectingExit, !stopping else { return }
        let reason: String?
        switch result.outcome {
        case .success(let status) where (200..<300).contains(status): reason = nil
        case .success(let status): reason = "health check answered HTTP \(status)"
        case .failure(let failure): reason = failure.reason
        }
        switch item.liveness.record(passed: reason == nil) {
        case .alive(let recovered):
            item.health = "UP"
            if recovered { log.write(Diagnostic(MessageCatalog.livenessRecovered, ["id": item.id])) }
        case .failing(let count):
            item.health = "DOWN"
            log.write(Diagnostic(MessageCatalog.livenessCheckFailed, [
                "id": item.id, "count": "\(count)", "threshold": "\(item.liveness.failureThreshold)", "reason": reason ?? "",
            ]))
        case .unhealthy:
            markUnhealthy(item, reason: reason ?? "")
        }
    }

    /// Too many failed checks in a row: shown as UNHEALTHY while it is stopped, then restarted
    /// by the restart policy once it has exited.
    func markUnhealthy(_ item: ManagedComponent, reason: String) {
        item.state = .unhealthy
        item.health = "DOWN"
        let settings = item.component.liveness
        log.write(Diagnostic(MessageCatalog.componentUnhealthy, [
            "id": item.id, "count": "\(item.liveness.failureThreshold)", "period": "\(settings.period)",
            "timeout": "\(settings.timeout)", "reason": reason,
        ]))
        notify(["STATUS=Component \(item.id) UNHEALTHY; restarting it"])
        writeStateFile()
        stopComponent(item, timeout: item.component.shutdownTimeout)
        item.stoppedAsUnhealthy = true
    }
}

/// The checks of one liveness round, collected on their threads; the last to end hands all
/// results to the supervisor at once and wakes it once.
final class LivenessRound: @unchecked Sendable {  // state behind `lock`
    private let lock = NSLock()
    private var remaining: Int
    private var collected: [ProbeResults.Result] = []
    private let results: ProbeResults
    private let wake: Int32

    init(count: Int, results: ProbeResults, wake: Int32) {
        remaining = count
        self.results = results
        self.wake = wake
    }

    func finished(_ result: ProbeResults.Result) {
        lock.lock()
        collected.append(result)
        remaining -= 1
        let all = remaining == 0 ? collected : nil
        lock.unlock()
        guard let all else { return }
        results.append(contentsOf: all)
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }
}
