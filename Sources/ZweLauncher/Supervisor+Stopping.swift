import Foundation
import ZweMessages

/// Stopping: one component (SIGTERM to its process group, SIGKILL after its shutdown timeout),
/// and the whole instance, deepest dependents first, a level at a time, until nothing runs.
extension Supervisor {
    func stopComponent(_ item: ManagedComponent, timeout: Int) {
        cancel(item.restartTimer)
        item.restartTimer = nil
        // Whoever stops it now decides what its exit means (an operator stop is no failure).
        item.stoppedAsUnhealthy = false
        guard let pid = item.pid else {
            item.state = .stopped
            item.waitingForDependencies = false
            return
        }
        item.expectingExit = true
        kill(-pid, SIGTERM)  // the component leads its own process group
        cancel(item.killTimer)
        item.killTimer = schedule(after: Double(timeout)) { [weak self, weak item] in
            guard let self, let item, let running = item.pid, item.expectingExit else { return }
            self.log.write(Diagnostic(MessageCatalog.componentKilled, ["id": item.id, "pid": "\(running)", "seconds": "\(timeout)"]))
            kill(-running, SIGKILL)
        }
    }

    func beginStop(reason: String) {
        guard !stopping else { return }
        stopping = true
        notify(["STOPPING=1", "STATUS=Stopping components"])
        log.write(Diagnostic(MessageCatalog.launcherStopping))
        log.debug("stop requested by \(reason)")
        log.write(Diagnostic(MessageCatalog.componentsStopping))
        for item in managed.values {
            cancel(item.restartTimer)
            item.restartTimer = nil
            if !item.isRunning { item.state = .stopped }
        }
        continueStop()
    }

    /// Stops the deepest running components first; the next level when they are gone.
    func continueStop() {
        let running = managed.values.filter(\.isRunning)
        if running.isEmpty {
            log.write(Diagnostic(MessageCatalog.componentsStoppedAll))
            finished = true
            return
        }
        let deepest = running.map { $0.depth(in: managed) }.max() ?? 0
        for item in running where item.depth(in: managed) == deepest && !item.expectingExit {
            stopComponent(item, timeout: stopTimeoutOverride ?? item.component.shutdownTimeout)
        }
    }
}
