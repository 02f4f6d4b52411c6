import Foundation
import Prometheus

/// The launcher's Prometheus metrics, in a registry of its own. Restarts are counted as they
/// happen; states, uptimes and the certificate's days are read when a scrape asks for them,
/// so that keeping them costs nothing between scrapes.
final class LauncherMetrics {
    /// What the supervisor knows of one component at the moment of a scrape.
    struct ComponentReading {
        var id: String
        var state: String
        /// Seconds since the running process was spawned; nil when no process runs.
        var uptimeSeconds: Double?
        /// Seconds from the spawn to READY of the last start that got there.
        var readySeconds: Double?
    }

    /// Every state a component can be in, as `zwe status` names them: one series each.
    static let states = ["STARTING", "READY", "UNHEALTHY", "RESTARTING", "FAILED", "STOPPED"]

    let registry = PrometheusCollectorRegistry()
    private var restarts: [String: Counter] = [:]
    private var states: [String: [String: Gauge]] = [:]
    private var uptimes: [String: Gauge] = [:]
    private var readyTimes: [String: Gauge] = [:]
    private let launcherUptime: Gauge
    private var certificate: Gauge?

    static let restartsHelp = "Restarts of the component after it ended without being asked to (the RESTARTS of zwe status)."
    static let stateHelp = "1 for the state the component is in, 0 for the others."
    static let uptimeHelp = "Seconds since the component's running process was started; 0 while none runs."
    static let readyHelp = "Seconds from the start of the component's process to READY, for the last start that got there."
    static let launcherUptimeHelp = "Seconds since the launcher started."
    static let certificateHelp = "Whole days until the instance's Zowe certificate expires (negative once it has)."

    init(components: [String]) {
        launcherUptime = registry.makeGauge(name: "zwe_launcher_uptime_seconds", labels: [], help: Self.launcherUptimeHelp)
        for id in components {
            let labels = [("component", id)]
            restarts[id] = registry.makeCounter(name: "zwe_component_restarts_total", labels: labels, help: Self.restartsHelp)
            var byState: [String: Gauge] = [:]
            for state in Self.states {
                byState[state] = registry.makeGauge(name: "zwe_component_state", labels: labels + [("state", state)], help: Self.stateHelp)
            }
            states[id] = byState
            uptimes[id] = registry.makeGauge(name: "zwe_component_uptime_seconds", labels: labels, help: Self.uptimeHelp)
        }
    }

    /// A component was started again after a crash.
    func restarted(_ id: String) {
        restarts[id]?.increment()
    }

    /// The text exposition format 0.0.4 of every metric, brought up to date first.
    func exposition(components: [ComponentReading], launcherUptimeSeconds: Double, certificateDays: Int?) -> [UInt8] {
        launcherUptime.set(launcherUptimeSeconds.rounded(toPlaces: 3))
        for reading in components {
            for (state, gauge) in states[reading.id] ?? [:] { gauge.set(state == reading.state ? 1.0 : 0.0) }
            uptimes[reading.id]?.set((reading.uptimeSeconds ?? 0).rounded(toPlaces: 3))
            if let seconds = reading.readySeconds {
                // The series appears with the first READY: before it, there is no time to show.
                let gauge = readyTimes[reading.id] ?? registry.makeGauge(
                    name: "zwe_component_ready_seconds", labels: [("component", reading.id)], help: Self.readyHelp)
                readyTimes[reading.id] = gauge
                gauge.set(seconds.rounded(toPlaces: 3))
            }
        }
        if let certificateDays {
            let gauge = certificate ?? registry.makeGauge(name: "zwe_certificate_expiry_days", labels: [], help: Self.certificateHelp)
            certificate = gauge
            gauge.set(Double(certificateDays))
        } else if let gauge = certificate {
            // The certificate cannot be read now: no value rather than a stale one.
            registry.unregisterGauge(gauge)
            certificate = nil
        }
        return registry.emitToBuffer()
    }
}

extension Double {
    /// Millisecond precision is all a scrape needs, and keeps the text short.
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
