import Foundation
import ZweTestSupport
import Testing

/// The Prometheus metrics of a real instance, scraped with curl and read with the Python
/// prometheus_client parser (Tests/Fixtures/parse-metrics.py).
@Suite("Metrics: the launcher's and every component's, in Prometheus's text format")
struct MetricsTests {
    static let components = ["discovery", "gateway", "api-catalog", "jobs-api", "explorer-jes"]
    static let portVariables = [
        "discovery": "DISCOVERY_PORT", "gateway": "GATEWAY_PORT", "api-catalog": "CATALOG_PORT",
        "jobs-api": "JOBS_API_PORT", "explorer-jes": "JES_EXPLORER_UI_PORT",
    ]

    /// A scrape: the answer's status and Content-Type, its text and what the parser read.
    struct Scrape {
        let status: Int
        let contentType: String
        let text: String
        let parsed: PrometheusText?

        subscript(_ name: String) -> PrometheusText.Family? { parsed?[name] }
    }

    /// GETs `url` with curl and parses a 200's body with prometheus_client; a body that does
    /// not parse fails the test.
    static func scrape(_ url: String, ca: String? = nil, scratch: String) async throws -> Scrape {
        let body = scratch + "/scrape-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: body) }
        let result = try await runTool("curl", ["--silent", "--show-error", "--max-time", "10", "--output", body,
                                                "--write-out", "%{http_code} %{content_type}"]
                                           + (ca.map { ["--cacert", $0] } ?? []) + [url], timeout: .seconds(30))
        guard result.status == 0 else { throw TestFailure("curl \(url): \(result.stderr)") }
        let parts = result.stdout.split(separator: " ", maxSplits: 1)
        let status = Int(parts.first ?? "") ?? 0
        let contentType = parts.count > 1 ? String(parts[1]) : ""
        let text = (try? String(contentsOfFile: body, encoding: .utf8)) ?? ""
        return Scrape(status: status, contentType: contentType, text: text,
                      parsed: status == 200 ? try await PrometheusText.parse(text) : nil)
    }

    @Test("The launcher's and each component's metrics parse; a SIGKILL shows in the restart counter; the gateway counts by route and status")
    func scrapeEverything() async throws {
        let fixture = try LauncherFixture()
        defer { fixture.tearDown() }
        let metricsPort = freePort()
        let instance = try fixture.instance("instance", extra: ["ZWE_METRICS_PORT": "\(metricsPort)"])
        let started = try fixture.zwe(["start", "-c", instance])
        try #require(started.status == 0, "\(started)")
        #expect(fixture.launcherLog(instance).contains("ZWEL2100I Prometheus metrics of the launcher on http://127.0.0.1:\(metricsPort)/metrics"))
        let scratch = fixture.scratch.path
        let ca = fixture.keystore + "/local_ca/localca.cer"
        let launcherURL = "http://127.0.0.1:\(metricsPort)/metrics"

        // The launcher, once every component is READY.
        let first = try await Self.scrape(launcherURL, scratch: scratch)
        #expect(first.status == 200)
        #expect(first.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(first["zwe_component_restarts"]?.type == "counter")
        #expect(first["zwe_component_state"]?.type == "gauge")
        for id in Self.components {
            #expect(first["zwe_component_restarts"]?.value(["component": id], sample: "zwe_component_restarts_total") == 0, "\(id)")
            #expect(first["zwe_component_state"]?.value(["component": id, "state": "READY"]) == 1, "\(id)")
            for state in ["STARTING", "RESTARTING", "FAILED", "STOPPED"] {
                #expect(first["zwe_component_state"]?.value(["component": id, "state": state]) == 0, "\(id) \(state)")
            }
            #expect((first["zwe_component_uptime_seconds"]?.value(["component": id]) ?? -1) > 0, "\(id)")
            #expect((first["zwe_component_ready_seconds"]?.value(["component": id]) ?? -1) > 0, "\(id)")
        }
        #expect((first["zwe_launcher_uptime_seconds"]?.value([:]) ?? -1) > 0)
        #expect((first["zwe_certificate_expiry_days"]?.value([:]) ?? -1) > 3000, "the setup's certificate is valid 3650 days")

        // Only /metrics is served there.
        let elsewhere = try await Self.scrape("http://127.0.0.1:\(metricsPort)/", scratch: scratch)
        #expect(elsewhere.status == 404)

        // Every component, over HTTPS without a client certificate.
        for id in Self.components {
            let port = try configuredPort(Self.portVariables[id]!, instance: instance)
            let scrape = try await Self.scrape("https://localhost:\(port)/application/prometheus", ca: ca, scratch: scratch)
            #expect(scrape.status == 200, "\(id): \(scrape.text)")
            #expect(scrape.contentType == "text/plain; version=0.0.4; charset=utf-8", "\(id)")
            #expect((scrape["zwe_uptime_seconds"]?.value([:]) ?? -1) > 0, "\(id)")
            #expect((scrape["zwe_certificate_expiry_days"]?.value([:]) ?? -1) > 3000, "\(id)")
            #expect(scrape["zwe_http_requests"]?.type == "counter", "\(id)")
            #expect(scrape["zwe_http_request_duration_seconds"]?.type == "histogram", "\(id)")
        }
        // The launcher's health checks reached the components' health route.
        let catalogPort = try configuredPort("CATALOG_PORT", instance: instance)
        let catalog = try await Self.scrape("https://localhost:\(catalogPort)/application/prometheus", ca: ca, scratch: scratch)
        #expect((catalog["zwe_http_requests"]?.value(["route": "/application/health", "status": "200"]) ?? 0) >= 1, "\(catalog.text)")

        // Discovery counts what registered (the gateway and the other components).
        let discoveryPort = try configuredPort("DISCOVERY_PORT", instance: instance)
        let registered = await eventually(timeout: .seconds(20)) { () async -> Double? in
            let scrape = try? await Self.scrape("https://localhost:\(discoveryPort)/application/prometheus", ca: ca, scratch: scratch)
            let up = scrape?["zwe_discovery_registry_instances"]?.value(["status": "UP"]) ?? 0
            return up >= 4 ? up : nil
        }
        #expect(registered != nil, "discovery did not count the registered components")

        // Through the gateway: a route that answers 200, and a path no service has (404 ZWEAM104E).
        let gatewayPort = try configuredPort("GATEWAY_PORT", instance: instance)
        let gateway = "https://localhost:\(gatewayPort)"
        let routed = await eventually(timeout: .seconds(20)) { () async -> Bool? in
            let answer = try? await curl(gateway + "/explorer-jes/ui/v1/", ca: ca)
            return answer?.status == 200 ? true : nil
        }
        #expect(routed == true, "the gateway did not route to explorer-jes")
        let missing = try await curl(gateway + "/nosuchservice/api/v1/anything", ca: ca)
        #expect(missing.status == 404 && missing.body.contains("ZWEAM104E"), "\(missing.body)")
        let gatewayScrape = try await Self.scrape(gateway + "/application/prometheus", ca: ca, scratch: scratch)
        let requests = gatewayScrape["zwe_http_requests"]
        #expect((requests?.value(["route": "explorer-jes", "status": "200"]) ?? 0) >= 1, "\(gatewayScrape.text)")
        #expect(requests?.value(["route": "none", "status": "404"]) == 1, "\(gatewayScrape.text)")
        #expect((gatewayScrape["zwe_http_request_duration_seconds"]?.value(
            ["route": "none", "status": "404"], sample: "zwe_http_request_duration_seconds_count") ?? 0) == 1)
        // No series names a raw path.
        #expect(!gatewayScrape.text.contains("nosuchservice"))

        // A crash: jobs-api killed, restarted by the launcher, counted once.
        let jobs = try #require(try fixture.component("jobs-api", of: instance))
        try signalProcess(jobs["pid"], SIGKILL)
        let back = try fixture.wait(instance, seconds: 30) { status in
            let item = (status["components"] as? [[String: Any]])?.first { $0["id"] as? String == "jobs-api" }
            return item?["state"] as? String == "READY" && item?["restarts"] as? Int == 1
        }
        let afterKill = try fixture.status(instance)
        try #require(back, "jobs-api did not come back READY: \(afterKill)")
        let second = try await Self.scrape(launcherURL, scratch: scratch)
        for id in Self.components {
            let restarts = second["zwe_component_restarts"]?.value(["component": id], sample: "zwe_component_restarts_total")
            #expect(restarts == (id == "jobs-api" ? 1 : 0), "\(id): \(second.text)")
            #expect(second["zwe_component_state"]?.value(["component": id, "state": "READY"]) == 1, "\(id)")
        }
        let jobsUptime = second["zwe_component_uptime_seconds"]?.value(["component": "jobs-api"]) ?? -1
        let discoveryUptime = second["zwe_component_uptime_seconds"]?.value(["component": "discovery"]) ?? -1
        #expect(jobsUptime >= 0 && jobsUptime < discoveryUptime, "the restarted process is younger")

        let stopped = try fixture.zwe(["stop", "-c", instance])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(LauncherFixture.processes(of: instance).isEmpty)
        #expect(!canConnect(metricsPort), "the metrics port is closed with the launcher")
    }

    @Test("ZWE_METRICS_PORT: a bad value, a port in use and a component's port are preflight errors")
    func metricsSettingsAreChecked() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("ZWE_METRICS_PORT=99999")
        try fixture.setInstance("ZWE_METRICS_ADDRESS=localhost")
        let bad = try fixture.validate()
        let invalid = bad.report.findings.filter { $0["id"] as? String == "ZWEL1418E" }.compactMap { $0["message"] as? String }
        #expect(invalid.contains { $0.contains("ZWE_METRICS_PORT='99999'") }, "\(bad.raw)")
        #expect(invalid.contains { $0.contains("ZWE_METRICS_ADDRESS='localhost'") }, "\(bad.raw)")

        try fixture.setInstance("ZWE_METRICS_ADDRESS=127.0.0.1")
        try fixture.setInstance("ZWE_METRICS_PORT=\(fixture.ports["GATEWAY_PORT"]!)")
        let clash = try fixture.validate()
        #expect(clash.report.finding("ZWEL1412E").map { "\($0["message"] ?? "")".contains("ZWE_METRICS_PORT") } == true, "\(clash.raw)")

        let listener = try SilentListener()
        try fixture.setInstance("ZWE_METRICS_PORT=\(listener.port)")
        let busy = try withExtendedLifetime(listener) { try fixture.validate() }
        #expect(busy.report.finding("ZWEL1413E").map { "\($0["message"] ?? "")".contains("the launcher's metrics (ZWE_METRICS_PORT)") } == true, "\(busy.raw)")

        try fixture.setInstance("ZWE_METRICS_PORT=")
        let none = try fixture.validate()
        #expect(!none.report.ids().contains("ZWEL1418E") && !none.report.ids().contains("ZWEL1413E"), "\(none.raw)")
    }
}
