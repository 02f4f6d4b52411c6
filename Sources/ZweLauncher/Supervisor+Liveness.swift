import Foundation
import ZweMessages

/// Liveness of READY components, as Kubernetes' livenessProbe: the same health check as for
/// READY, again every ZWE_LIVENESS_PERIOD seconds, each given ZWE_LIVENESS_TIMEOUT seconds.
/// Each check is one timer of the event loop (the loop sleeps until the earliest is due, and
/// indefinitely when no component is READY) and runs on a thread of its own, so that a hung
/// component never blocks the supervisor. ZWE_LIVENESS_FAILURE_THRESHOLD failures in a row make
/// the component UNHEALTHY: it is stopped on the stop path (SIGTERM, shutdown timeout,
/// SIGKILL) and its exit is a failure for the restart policy, like a crash.
extension Supervisor {
    /// Starts watching a component that just became READY; its first check is one period later.
    func watchLiveness(_ item: ManagedComponent) {
        guard item.component.port != nil, item.component.healthPath != nil else { return }
        item.liveness = LivenessTracker(failureThreshold: item.component.liveness.failureThreshold)
        item.livenessCheckStartedAt = nil
        scheduleLivenessCheck(item, after: Double(item.component.liveness.period))
    }

    func scheduleLivenessCheck(_ item: ManagedComponent, after delay: Double) {
        let generation = item.probeGeneration
        schedule(after: delay) { [weak self, weak item] in
            guard let self, let item, item.probeGeneration == generation, item.isRunning, item.state == .ready,
                  !item.expectingExit, !self.stopping else { return }
            item.livenessCheckStartedAt = Self.now()
            self.startCheck(item, liveness: true, timeoutMilliseconds: item.component.liveness.timeout * 1000)
        }
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
        let settings = item.component.liveness
        switch item.liveness.record(passed: reason == nil) {
        case .alive(let recovered):
            item.health = "UP"
            if recovered { log.write(Diagnostic(MessageCatalog.livenessRecovered, ["id": item.id])) }
        case .failing(let count):
            item.health = "DOWN"
            log.write(Diagnostic(MessageCatalog.livenessCheckFailed, [
                "id": item.id, "count": "\(count)", "threshold": "\(settings.failureThreshold)", "reason": reason ?? "",
            ]))
        case .unhealthy:
            markUnhealthy(item, reason: reason ?? "")
            return
        }
        // One period from the start of the check that just ended; at once if it took longer.
        let started = item.livenessCheckStartedAt ?? Self.now()
        scheduleLivenessCheck(item, after: max(0, Double(settings.period) - (Self.now() - started)))
    }

    /// Too many failed checks in a row: shown as UNHEALTHY while it is stopped, then restarted
    /// by the restart policy once it has exited.
    func markUnhealthy(_ item: ManagedComponent, reason: String) {
        item.state = .unhealthy
        item.health = "DOWN"
        let settings = item.component.liveness
        log.write(Diagnostic(MessageCatalog.componentUnhealthy, [
            "id": item.id, "count": "\(settings.failureThreshold)", "period": "\(settings.period)",
            "timeout": "\(settings.timeout)", "reason": reason,
        ]))
        notify(["STATUS=Component \(item.id) UNHEALTHY; restarting it"])
        writeStateFile()
        stopComponent(item, timeout: item.component.shutdownTimeout)
        item.stoppedAsUnhealthy = true
    }
}
