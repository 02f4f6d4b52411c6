import CZweProcess
import Foundation
import ZweMessages

/// The launcher's Prometheus endpoint (ZWE_METRICS_PORT) on the event loop: a non-blocking
/// listener, clients read and written without blocking and closed at a deadline, and the
/// scrape that reads the components' states when it is asked for.
extension Supervisor {
    /// The listening socket of ZWE_METRICS_PORT. One that cannot be opened costs the endpoint,
    /// not the instance: a warning, and the launcher goes on.
    func openMetricsEndpoint() {
        guard let port = plan.metricsPort else { return }
        let address = plan.metricsAddress
        do {
            metricsFD = try MetricsEndpoint.openListener(address: address, port: port)
            add(metricsFD, .metricsListener)
            let shown = address.contains(":") ? "[\(address)]" : address
            log.write(Diagnostic(MessageCatalog.metricsListening, ["address": shown, "port": "\(port)"]))
        } catch {
            let reason = (error as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? "\(error)"
            log.write(Diagnostic(MessageCatalog.metricsCannotListen, ["address": address, "port": "\(port)", "reason": reason]))
        }
    }

    func acceptMetricsClients() {
        while true {
            let client = zwe_accept_cloexec(metricsFD)
            if client < 0 { return }
            guard metricsClients.count < MetricsEndpoint.maximumClients else {
                close(client)
                continue
            }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            let state = MetricsClient()
            metricsClients[client] = state
            add(client, .metricsClient)
            // A client that sends nothing, or reads nothing, is closed when its time is up.
            state.deadlineTimer = schedule(after: MetricsEndpoint.clientDeadlineSeconds) { [weak self, weak state] in
                guard let self, let state, self.metricsClients[client] === state else { return }
                state.deadlineTimer = nil
                self.closeMetricsClient(client)
            }
        }
    }

    /// Reads what the client sent so far; once its request is complete, writes as much of the
    /// answer as the socket takes, and waits for it to take the rest.
    func serveMetricsClient(_ fd: Int32) {
        guard let state = metricsClients[fd] else { return }
        if state.pending == nil {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while state.received.count < MetricsEndpoint.maximumRequestBytes {
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count > 0 {
                    state.received += buffer[0..<count]
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
                // The client closed, or the connection failed, before a whole request.
                closeMetricsClient(fd)
                return
            }
            guard let answer = MetricsEndpoint.answer(to: state.received, metrics: { scrape() }) else { return }
            state.pending = answer
        }
        guard let pending = state.pending else { return }
        while state.written < pending.count {
            let count = pending[state.written...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            if count > 0 {
                state.written += count
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                zwe_epoll_want_write(epoll, fd, 1)
                return
            }
            break
        }
        closeMetricsClient(fd)
    }

    func closeMetricsClient(_ fd: Int32) {
        guard let state = metricsClients.removeValue(forKey: fd) else { return }
        cancel(state.deadlineTimer)
        state.deadlineTimer = nil
        remove(fd)
    }

    /// The exposition of the launcher's metrics as they are now.
    func scrape() -> [UInt8] {
        let now = Self.now()
        let readings = order.compactMap { managed[$0] }.map { item in
            LauncherMetrics.ComponentReading(
                id: item.id, state: item.state.rawValue,
                uptimeSeconds: item.isRunning ? item.startedAt.map { now - $0 } : nil,
                readySeconds: item.readySeconds)
        }
        return metrics.exposition(components: readings, launcherUptimeSeconds: now - startedAt, certificateDays: certificateExpiresInDays())
    }
}
