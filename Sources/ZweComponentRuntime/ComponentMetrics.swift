import Foundation
import NIOSSL
import Prometheus
import Synchronization

/// The Prometheus metrics a component serves at `/application/prometheus`, in a registry of
/// its own: its uptime, the days its certificate has left, its requests by route and status,
/// and whatever the component adds (`onScrape`). Values that are cheap to read are read at the
/// moment of the scrape rather than kept up to date.
public final class ComponentMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let startedAt = ContinuousClock.now
    private let uptime: Gauge
    private let certificateDays: Gauge
    private let identity: IdentitySource?
    /// Request series by route and status, made once each; a scrape only reads them.
    private let series = Mutex<[RequestKey: RequestSeries]>([:])
    private let collectors = Mutex<[@Sendable (PrometheusCollectorRegistry) -> Void]>([])

    /// The path every component serves its metrics at.
    public static let path = "/application/prometheus"
    /// `Content-Type` of the text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// The route label of a request that matched no route.
    public static let noRoute = "none"
    /// Upper bounds of the request duration buckets, in seconds.
    public static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// - Parameter identity: where the certificate in use is read at each scrape (a renewal
    ///   taken on SIGHUP shows at once); nil for no certificate metric.
    public init(identity: IdentitySource?) {
        self.identity = identity
        uptime = registry.makeGauge(name: "zwe_uptime_seconds", labels: [], help: "Seconds since this component process started.")
        certificateDays = registry.makeGauge(
            name: "zwe_certificate_expiry_days", labels: [],
            help: "Whole days until the certificate this component presents expires (negative once it has).")
    }

    /// The counter and duration histogram of one route and status.
    public struct RequestSeries: Sendable {
        public let requests: Counter
        public let duration: DurationHistogram

        /// Counts one request that took `elapsed`. Lock-free for the count; the histogram
        /// takes its own short lock.
        @inline(__always)
        public func record(_ elapsed: Duration) {
            requests.increment()
            duration.record(elapsed)
        }
    }

    struct RequestKey: Hashable, Sendable {
        var route: String
        var status: Int
    }

    /// The series of `route` and `status`, made on first use. Callers on a hot path keep the
    /// result rather than asking each time.
    public func requests(route: String, status: Int) -> RequestSeries {
        let key = RequestKey(route: route, status: status)
        return series.withLock { known in
            if let found = known[key] { return found }
            let labels = [("route", route), ("status", String(status))]
            let made = RequestSeries(
                requests: registry.makeCounter(name: "zwe_http_requests_total", labels: labels,
                                               help: "Requests answered, by route and HTTP status."),
                duration: registry.makeDurationHistogram(name: "zwe_http_request_duration_seconds", labels: labels,
                                                         buckets: Self.durationBuckets,
                                                         help: "Time from a request's head to its answer, by route and HTTP status."))
            known[key] = made
            return made
        }
    }

    /// Adds work done before each scrape, such as setting gauges from the component's state.
    public func onScrape(_ collector: @escaping @Sendable (PrometheusCollectorRegistry) -> Void) {
        collectors.withLock { $0.append(collector) }
    }

    /// The text exposition format 0.0.4 of every metric, brought up to date first.
    public func exposition() -> [UInt8] {
        let elapsed = ContinuousClock.now - startedAt
        uptime.set(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds / 1_000_000_000_000_000) / 1000)
        if let leaf = identity?.current.certificateChain.first {
            certificateDays.set(Double(Self.daysLeft(leaf)))
        }
        for collector in collectors.withLock({ $0 }) { collector(registry) }
        return registry.emitToBuffer()
    }

    /// Whole days from now to the certificate's notAfter, rounded down, as `zwe status` counts.
    static func daysLeft(_ certificate: NIOSSLCertificate, now: Date = Date()) -> Int {
        let seconds = Double(certificate.notValidAfter) - now.timeIntervalSince1970
        return Int((seconds / 86_400).rounded(.down))
    }
}
