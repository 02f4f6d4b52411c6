import Foundation
import Testing
@testable import ZweComponentRuntime
import ZweTestSupport

@Suite("A component's /application/prometheus")
struct ComponentMetricsTests {
    @Test("Uptime, the certificate's days and requests by route and status parse with prometheus_client")
    func exposition() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let settings = try ComponentEnvironment.read(
            component: "api-catalog", portVariable: "CATALOG_PORT", environment: componentEnvironment(keystore, ["CATALOG_PORT": "1"]))
        let source = IdentitySource(try TLSIdentity.load(from: settings), environment: settings)
        let metrics = ComponentMetrics(identity: source)
        metrics.requests(route: "/application/health", status: 200).record(.milliseconds(3))
        metrics.requests(route: "/application/health", status: 200).record(.milliseconds(30))
        metrics.requests(route: ComponentMetrics.noRoute, status: 404).record(.microseconds(200))
        metrics.onScrape { registry in
            registry.makeGauge(name: "zwe_test_scraped", labels: [], help: "set at the scrape").set(7.0)
        }

        let parsed = try await PrometheusText.parse(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect((parsed["zwe_uptime_seconds"]?.value([:]) ?? -1) >= 0)
        let days = try #require(parsed["zwe_certificate_expiry_days"]?.value([:]))
        let leaf = try #require(source.current.certificateChain.first)
        #expect(days == Double(ComponentMetrics.daysLeft(leaf)) && days > 3000)
        #expect(parsed["zwe_http_requests"]?.type == "counter")
        #expect(parsed["zwe_http_requests"]?.value(["route": "/application/health", "status": "200"]) == 2)
        #expect(parsed["zwe_http_requests"]?.value(["route": "none", "status": "404"]) == 1)
        let duration = try #require(parsed["zwe_http_request_duration_seconds"])
        #expect(duration.type == "histogram")
        let health = ["route": "/application/health", "status": "200"]
        #expect(duration.value(health.merging(["le": "0.005"]) { a, _ in a }, sample: "zwe_http_request_duration_seconds_bucket") == 1)
        #expect(duration.value(health.merging(["le": "+Inf"]) { a, _ in a }, sample: "zwe_http_request_duration_seconds_bucket") == 2)
        #expect(abs((duration.value(health, sample: "zwe_http_request_duration_seconds_sum") ?? 0) - 0.033) < 1e-9)
        #expect(parsed["zwe_test_scraped"]?.value([:]) == 7)
    }
}
