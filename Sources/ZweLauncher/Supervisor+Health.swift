import Foundation
import ZweMessages
import ZwePKCS12

/// Health checks of starting components: an HTTPS request to the component's health path on
/// the loopback address, made on a thread of its own so that the event loop never blocks,
/// its result handed back through `ProbeResults` and the wake eventfd; READY when it answers
/// 2xx, and from then on watched by the liveness checks (Supervisor+Liveness.swift).
extension Supervisor {
    /// Between health checks while a component starts. A check before the port is open is a
    /// refused connection, which costs next to nothing; checking often takes little off the
    /// time the component needs, so that READY follows its start closely.
    static let probeInterval = 0.01

    func scheduleProbe(_ item: ManagedComponent, after delay: Double) {
        let generation = item.probeGeneration
        schedule(after: delay) { [weak self, weak item] in
            guard let self, let item, item.probeGeneration == generation, item.isRunning, item.state == .starting else { return }
            self.launchProbe(item)
        }
    }

    func launchProbe(_ item: ManagedComponent) {
        guard let port = item.component.port, let path = item.component.healthPath else {
            // Nothing to check: running is all we can know.
            markReady(item)
            return
        }
        let address = plan.loopbackAddress
        let anchors = anchors
        let generation = item.probeGeneration
        let results = probeResults
        let wake = wakeFD
        let id = item.id
        // A thread of its own, not a Dispatch queue: the first use of Dispatch's global queues
        // starts its thread-pool monitor, a timer that wakes the process every second for good.
        let thread = Thread {
            let outcome = TLSProbe.get(address: address, port: port, path: path, anchors: anchors, timeoutMilliseconds: 1000)
            results.append(ProbeResults.Result(id: id, generation: generation, liveness: false, outcome: outcome))
            var one: UInt64 = 1
            _ = write(wake, &one, 8)
        }
        thread.start()
    }

    func probeFinished(_ result: ProbeResults.Result) {
        if result.liveness {
            livenessCheckFinished(result)
            return
        }
        guard let item = managed[result.id], item.probeGeneration == result.generation, item.isRunning, item.state == .starting else { return }
        switch result.outcome {
        case .success(let status) where (200..<300).contains(status):
            markReady(item)
        case .success(let status):
            retryProbe(item, reason: "health check answered HTTP \(status)")
        case .failure(let failure):
            retryProbe(item, reason: failure.reason)
        }
    }

    func retryProbe(_ item: ManagedComponent, reason: String) {
        let now = Self.now()
        if let deadline = item.readyDeadline, now >= deadline, !item.reportedNotReady {
            item.reportedNotReady = true
            log.write(Diagnostic(MessageCatalog.componentNotReady, ["id": item.id, "seconds": "\(item.component.readyTimeout)", "reason": reason]))
        }
        // Quick checks while a start is expected to finish, then a slow watch.
        let elapsed = now - (item.startedAt ?? now)
        scheduleProbe(item, after: elapsed < 5 ? Self.probeInterval : (item.reportedNotReady ? 2 : 0.25))
    }

    func markReady(_ item: ManagedComponent) {
        item.state = .ready
        item.health = "UP"
        item.readySeconds = Self.now() - (item.startedAt ?? Self.now())
        let milliseconds = Int(((item.readySeconds ?? 0) * 1000).rounded())
        log.write(Diagnostic(MessageCatalog.componentReady, ["id": item.id, "milliseconds": "\(milliseconds)"]))
        writeStateFile()
        watchLiveness(item)
        startEligible()
        if !allReadyAnnounced, managed.values.allSatisfy({ $0.state == .ready }) {
            allReadyAnnounced = true
            log.write(Diagnostic(MessageCatalog.componentsStartedAll))
            notify(["READY=1", "STATUS=All \(managed.count) components READY"])
        } else {
            notify(["STATUS=\(managed.values.filter { $0.state == .ready }.count) of \(managed.count) components READY"])
        }
    }
}
