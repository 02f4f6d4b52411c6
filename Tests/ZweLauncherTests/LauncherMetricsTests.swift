import Foundation
import Testing
@testable import ZweLauncher
import ZweTestSupport

@Suite("The launcher's metrics endpoint: exposition and HTTP")
struct LauncherMetricsTests {
    static func reading(_ id: String, _ state: String, uptime: Double? = 12.5, ready: Double? = 0.25) -> LauncherMetrics.ComponentReading {
        LauncherMetrics.ComponentReading(id: id, state: state, uptimeSeconds: uptime, readySeconds: ready)
    }

    @Test("Every family parses with prometheus_client: restarts, one-hot state, uptimes, ready time, certificate days")
    func exposition() async throws {
        let metrics = LauncherMetrics(components: ["discovery", "gateway"])
        metrics.restarted("gateway")
        metrics.restarted("gateway")
        let text = String(decoding: metrics.exposition(
            components: [Self.reading("discovery", "READY"), Self.reading("gateway", "RESTARTING", uptime: nil, ready: nil)],
            launcherUptimeSeconds: 30.1234, certificateDays: 364), as: UTF8.self)
        let parsed = try await PrometheusText.parse(text)

        let restarts = try #require(parsed["zwe_component_restarts"])
        #expect(restarts.type == "counter" && !restarts.help.isEmpty)
        #expect(restarts.value(["component": "discovery"], sample: "zwe_component_restarts_total") == 0)
        #expect(restarts.value(["component": "gateway"], sample: "zwe_component_restarts_total") == 2)

        let state = try #require(parsed["zwe_component_state"])
        #expect(state.samples.count == 2 * LauncherMetrics.states.count)
        #expect(state.samples.filter { $0.value == 1 }.map { "\($0.labels["component"]!)=\($0.labels["state"]!)" }.sorted()
                == ["discovery=READY", "gateway=RESTARTING"])

        #expect(parsed["zwe_component_uptime_seconds"]?.value(["component": "discovery"]) == 12.5)
        #expect(parsed["zwe_component_uptime_seconds"]?.value(["component": "gateway"]) == 0, "no process: 0")
        #expect(parsed["zwe_component_ready_seconds"]?.value(["component": "discovery"]) == 0.25)
        #expect(parsed["zwe_component_ready_seconds"]?.value(["component": "gateway"]) == nil, "never READY: no series")
        #expect(parsed["zwe_launcher_uptime_seconds"]?.value([:]) == 30.123)
        #expect(parsed["zwe_certificate_expiry_days"]?.value([:]) == 364)

        // A certificate that cannot be read leaves no stale value behind.
        let later = try await PrometheusText.parse(String(decoding: metrics.exposition(
            components: [], launcherUptimeSeconds: 31, certificateDays: nil), as: UTF8.self))
        #expect(later["zwe_certificate_expiry_days"] == nil)
    }

    @Test("GET /metrics is answered with the exposition; other paths, methods and bad requests are not")
    func answers() throws {
        let body: () -> [UInt8] = { Array("zwe_launcher_uptime_seconds 1\n".utf8) }
        func answer(_ request: String) -> String? {
            MetricsEndpoint.answer(to: Array(request.utf8), metrics: body).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(answer("GET /metrics HTTP/1.1\r\nHost: x") == nil, "head not complete yet")
        let ok = try #require(answer("GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"))
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(ok.contains("\r\nContent-Length: 30\r\n") && ok.contains("\r\nConnection: close\r\n"))
        #expect(ok.hasSuffix("\r\n\r\nzwe_launcher_uptime_seconds 1\n"))
        #expect(answer("GET /metrics HTTP/1.0\n\n")?.hasPrefix("HTTP/1.1 200 OK") == true, "bare LF lines")
        let head = try #require(answer("HEAD /metrics HTTP/1.1\r\n\r\n"))
        #expect(head.contains("Content-Length: 30") && head.hasSuffix("\r\n\r\n"))
        #expect(answer("GET / HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 404 ") == true)
        #expect(answer("GET /metrics/x HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 404 ") == true)
        let post = try #require(answer("POST /metrics HTTP/1.1\r\n\r\n"))
        #expect(post.hasPrefix("HTTP/1.1 405 ") && post.contains("Allow: GET, HEAD\r\n"))
        #expect(answer("hello\r\n\r\n")?.hasPrefix("HTTP/1.1 400 ") == true)
        #expect(answer(String(repeating: "x", count: MetricsEndpoint.maximumRequestBytes))?.hasPrefix("HTTP/1.1 400 ") == true)
    }

    @Test("The listener takes IPv4 and IPv6 loopback addresses and refuses a port in use")
    func listener() throws {
        let port = freePort()
        let fd = try MetricsEndpoint.openListener(address: "127.0.0.1", port: port)
        defer { close(fd) }
        #expect(canConnect(port))
        #expect(throws: POSIXError.self) { try MetricsEndpoint.openListener(address: "127.0.0.1", port: port) }
        let v6 = try MetricsEndpoint.openListener(address: "::1", port: freePort())
        close(v6)
        #expect(throws: POSIXError.self) { try MetricsEndpoint.openListener(address: "localhost", port: port) }
    }
}
