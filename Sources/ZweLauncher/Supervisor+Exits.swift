import Foundation
import ZweMessages
import ZweProcess

/// Child exits and output: a pidfd says a component ended (reaped at once, its process group
/// emptied), the exit is a stop that was asked for or a crash that the restart policy handles
/// (restartIntervals, minUptime, max retries); output pipes are drained into the component's log.
extension Supervisor {
    func childExited(_ id: String) {
        guard let item = managed[id], let pid = item.pid else { return }
        let status = Spawner.wait(pid)
        remove(item.pidfd)
        item.pidfd = -1
        drainOutput(id)
        // Whatever the component left in its process group goes with it.
        kill(-pid, SIGKILL)
        item.pid = nil
        item.lastExitStatus = status.text
        item.health = "DOWN"
        cancel(item.killTimer)
        item.killTimer = nil
        let uptime = Self.now() - (item.startedAt ?? Self.now())
        writeStateFile()
        if item.expectingExit, item.stoppedAsUnhealthy {
            // Stopped for failing its liveness checks: a failure, restarted by the policy.
            item.expectingExit = false
            item.stoppedAsUnhealthy = false
            log.write(Diagnostic(MessageCatalog.componentTerminated, ["id": id, "pid": "\(pid)", "status": status.exitCode.map(String.init) ?? status.text]))
            crashed(item, uptime: uptime)
            return
        }
        if item.expectingExit {
            item.expectingExit = false
            item.state = .stopped
            item.health = "UNKNOWN"
            log.write(Diagnostic(MessageCatalog.componentStopped, ["id": id]))
            if item.restartAfterExit {
                item.restartAfterExit = false
                item.failCount = 0
                spawn(item)
            }
            if stopping { continueStop() }
            return
        }
        log.write(Diagnostic(MessageCatalog.componentTerminated, ["id": id, "pid": "\(pid)", "status": status.exitCode.map(String.init) ?? status.text]))
        crashed(item, uptime: uptime)
    }

    /// Every exit not asked for is a crash, status 0 included.
    func crashed(_ item: ManagedComponent, uptime: Double) {
        guard !stopping else {
            item.state = .stopped
            continueStop()
            return
        }
        item.failCount = uptime >= Double(item.component.minUptime) ? 1 : item.failCount + 1
        let intervals = item.component.restartIntervals
        guard item.failCount <= intervals.count else {
            item.state = .failed
            log.write(Diagnostic(MessageCatalog.maxRetriesReached, ["id": item.id]))
            notify(["STATUS=Component \(item.id) FAILED: max retries reached"])
            return
        }
        let delay = intervals[item.failCount - 1]
        notify(["STATUS=Component \(item.id) ended; restart in \(delay) s"])
        item.state = .restarting
        log.write(Diagnostic(MessageCatalog.componentRestartScheduled, ["id": item.id, "seconds": "\(delay)"]))
        item.restartTimer = schedule(after: Double(delay)) { [weak self, weak item] in
            guard let self, let item, item.state == .restarting, !self.stopping else { return }
            item.restartTimer = nil
            item.restarts += 1
            self.metrics.restarted(item.id)
            self.spawn(item)
        }
    }

    func drainOutput(_ id: String) {
        guard let item = managed[id], item.outputFD >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(item.outputFD, &buffer, buffer.count)
            if count > 0 {
                item.splitter.feed(buffer[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // End of output: every writer is gone.
            item.splitter.flush()
            remove(item.outputFD)
            item.outputFD = -1
            return
        }
    }
}
