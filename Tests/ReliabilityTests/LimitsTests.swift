import Foundation
import Testing
import ZweTestSupport

/// A discovery service and a gateway on free loopback ports, started as the launcher starts
/// them, with `extra` variables (the limits under test) for the gateway; optionally with a
/// lower descriptor limit, so that running out of descriptors is within the test's reach.
final class LimitedGateway: @unchecked Sendable {
    let keystore: Keystore
    let servers: DiscoveryAndGateway
    var gateway: Running { servers.gateway }
    var gatewayPort: Int { servers.gatewayPort }
    var discoveryPort: Int { servers.discoveryPort }
    static let client = Programs.packageRoot + "/Tests/Fixtures/limits-client.py"

    init(_ extra: [String: String], descriptors: Int? = nil) async throws {
        keystore = try await Keystore.make("EC-P256")
        // prlimit execs the program: the process is the gateway's own.
        servers = try await DiscoveryAndGateway(keystore, gatewayEnvironment: extra,
                                                gatewayPrefix: descriptors.map { ["/usr/bin/prlimit", "--nofile=\($0):\($0)", "--"] } ?? [])
    }

    func stop() { servers.stop() }

    /// GET /application/health through a new connection: the status and the seconds it took.
    func health() async throws -> (status: Int, seconds: Double) {
        let began = ContinuousClock.now
        let answer = try await curl("https://localhost:\(gatewayPort)/application/health", ca: keystore.caCertificate)
        let elapsed = ContinuousClock.now - began
        return (answer.status, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    var descriptorCount: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(gateway.pid)/fd").count) ?? -1
    }

    /// Tests/Fixtures/limits-client.py against `port` (the gateway's by default).
    func client(_ arguments: [String], port: Int? = nil, timeout: Duration = .seconds(120)) async throws -> ToolResult {
        try await runTool("/usr/bin/env", ["python3", Self.client] + arguments + [
            "--port", "\(port ?? gatewayPort)", "--ca", keystore.caCertificate,
        ], timeout: timeout)
    }

    /// The client's JSON summary.
    static func json(_ result: ToolResult) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw TestFailure("limits-client.py printed no JSON: \(result)")
        }
        return object
    }

    /// Registers an instance of serviceID at `port` on localhost with discovery, with the
    /// Zowe certificate as a service does, and waits until the gateway routes to it.
    func register(_ serviceID: String, port: Int) async throws {
        let body = """
            {"instance":{"instanceId":"localhost:\(serviceID):\(port)","app":"\(serviceID.uppercased())",
            "hostName":"localhost","ipAddr":"127.0.0.1","status":"UP",
            "port":{"$":\(port),"@enabled":"false"},"securePort":{"$":\(port),"@enabled":"true"},
            "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
            "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},
            "homePageUrl":"https://localhost:\(port)/","vipAddress":"\(serviceID)",
            "metadata":{"apiml.routes.r0.gatewayUrl":"api/v1","apiml.routes.r0.serviceUrl":"/api/v1"}}}
            """
        let registered = try await curl("https://localhost:\(discoveryPort)/eureka/apps/\(serviceID.uppercased())", ca: keystore.caCertificate, extra: [
            "--cert", keystore.certificate, "--key", keystore.privateKey, "--request", "POST",
            "--header", "Content-Type: application/json", "--data-binary", body,
        ])
        guard registered.status == 204 else { throw TestFailure("registration failed: \(registered.result)") }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if try await curl("https://localhost:\(gatewayPort)/\(serviceID)/api/v1/x", ca: keystore.caCertificate).status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("the gateway does not route to \(serviceID)")
    }
}

func number(_ object: Any?, _ key: String) -> Double { ((object as? [String: Any])?[key] as? NSNumber)?.doubleValue ?? -1 }

/// What one client may hold of the gateway and of a component: slow and idle connections end
/// at their timeouts, a body streams through without being held, and the size and connection
/// limits are answered as they say.
@Suite("Limits: slow and idle clients, bodies, heads, connection cap", .serialized)
struct LimitsTests {
    @Test("200 connections trickling a request head are closed by the header timeout while others are answered in under a second")
    func slowloris() async throws {
        let seconds = Reliability.seconds(full: 30, quick: 5)
        let apiml = try await LimitedGateway(["ZWE_GATEWAY_HEADER_TIMEOUT": "3"])
        defer { apiml.stop() }
        async let loris = apiml.client(["slowloris", "--connections", "200", "--seconds", "\(seconds)", "--interval", "2"])
        try await Task.sleep(for: .seconds(1))
        var latencies: [Double] = []
        var failures: [Int] = []
        let end = ContinuousClock.now + .seconds(seconds - 1.5)
        while ContinuousClock.now < end {
            let answer = try await apiml.health()
            if answer.status == 200 { latencies.append(answer.seconds) } else { failures.append(answer.status) }
            try await Task.sleep(for: .milliseconds(250))
        }
        let result = try LimitedGateway.json(try await loris)
        let closed = result["closedByServer"] as? [String: Any]
        Reliability.report("limits-slowloris", "\(seconds) s, 200 slow connections: normal requests \(latencies.count) ok, \(failures.count) failed, "
                           + "slowest \(String(format: "%.3f", latencies.max() ?? -1)) s; slow connections closed by the server: \(closed ?? [:])")
        #expect(failures.isEmpty, "\(failures)")
        #expect(!latencies.isEmpty && (latencies.max() ?? 9) < 1, "\(latencies)")
        // Each slow connection lives about the header timeout (3 s): at least 200 closed.
        #expect(number(closed, "count") >= 200, "\(result)")
        #expect(number(closed, "min") >= 2.5 && number(closed, "max") < 5, "\(result)")
    }

    @Test("2,000 idle connections cannot exhaust the descriptors: beyond the cap they are closed at once, the rest by the keep-alive timeout, and the gateway answers again")
    func idleConnections() async throws {
        let apiml = try await LimitedGateway(["ZWE_GATEWAY_MAX_CONNECTIONS": "900", "ZWE_GATEWAY_KEEPALIVE_TIMEOUT": "10"],
                                             descriptors: 1024)
        defer { apiml.stop() }
        let before = apiml.descriptorCount
        let result = try LimitedGateway.json(try await apiml.client(["idle", "--connections", "2000", "--hold", "20"]))
        let closed = result["closedByServer"] as? [String: Any]
        let answered = number(result, "answered")
        let after = try await apiml.health()
        let warnings = apiml.gateway.stdout.components(separatedBy: "ZWEL1518W").count - 1
        Reliability.report("limits-idle", "2000 idle connections, cap 900, 1024 descriptors: \(Int(answered)) answered, "
                           + "\(Int(number(result, "refused"))) closed at accept, idle ones closed after \(closed ?? [:]) s, "
                           + "\(warnings) ZWEL1518W lines; then health \(after.status) in \(String(format: "%.3f", after.seconds)) s; "
                           + "descriptors \(before) before, \(apiml.descriptorCount) after")
        #expect(answered > 0 && answered + number(result, "refused") == 2000, "\(result)")
        #expect(number(result, "stillOpen") == 0, "\(result)")
        // Opening 2,000 TLS connections takes seconds here: the keep-alive timeout (10 s) is
        // longer, so that they are all open at once.
        #expect(number(closed, "count") == answered && number(closed, "max") < 12 && number(closed, "min") >= 9, "\(result)")
        #expect(after.status == 200 && after.seconds < 1, "\(after)")
        #expect(warnings >= 1 && warnings <= 3, "\(apiml.gateway.stdout.suffix(2000))")
        #expect(apiml.descriptorCount < before + 20)
        #expect(!apiml.gateway.output.contains("Too many open files"))
    }

    @Test("A 60 MiB body streams through the gateway to a service: the gateway's RSS grows by less than 16 MiB")
    func largeBodyMemory() async throws {
        let apiml = try await LimitedGateway([:])
        defer { apiml.stop() }
        let sinkPort = freePort()
        let sink = try Running("/usr/bin/env", ["python3", LimitedGateway.client, "sink", "--port", "\(sinkPort)",
                                                "--cert", apiml.keystore.certificate, "--key", apiml.keystore.privateKey],
                               environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        defer { sink.stop() }
        guard await sink.waitFor("sink listening on \(sinkPort)") != nil else { throw TestFailure("sink did not start\n\(sink.output)") }
        try await apiml.register("sink", port: sinkPort)
        let file = try TemporaryPaths.makeDirectory("large-body") + "/body"
        let size = 60 * 1024 * 1024
        _ = FileManager.default.createFile(atPath: file, contents: Data(count: size))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let url = "https://localhost:\(apiml.gatewayPort)/sink/api/v1/upload"
        // A small upload first: what any first request allocates is not counted.
        _ = try await curl(url, ca: apiml.keystore.caCertificate, extra: ["--request", "POST", "--data-binary", "warm up"])
        let before = apiml.gateway.residentKilobytes ?? 0
        let pid = apiml.gateway.pid
        let sampler = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, residentKilobytes(of: pid) ?? 0)
                try? await Task.sleep(for: .milliseconds(20))
            }
            return peak
        }
        let upload = try await runTool("curl", ["--silent", "--show-error", "--max-time", "120", "--cacert", apiml.keystore.caCertificate,
                                                "--request", "POST", "--upload-file", file, "--write-out", "\n%{http_code}", url])
        sampler.cancel()
        let peak = max(await sampler.value, apiml.gateway.residentKilobytes ?? 0)
        let growth = peak - before
        Reliability.report("limits-body", "60 MiB through the gateway: RSS \(before) kB before, peak \(peak) kB (+\(growth) kB)")
        #expect(upload.stdout.contains(#""bodyLength": \#(size)"#) && upload.stdout.hasSuffix("200"), "\(upload)")
        #expect(growth < 16 * 1024, "RSS grew by \(growth) kB")
    }

    @Test("Expect: 100-continue with a Content-Length over the limit gets 413 with API ML's body and never a 100")
    func expectContinueTooLarge() async throws {
        let apiml = try await LimitedGateway(["ZWE_GATEWAY_MAX_BODY_BYTES": "1000000"])
        defer { apiml.stop() }
        let answer = try await apiml.client(["raw", "--send",
            #"POST /sink/api/v1/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"#])
        #expect(answer.stdout.hasPrefix("HTTP/1.1 413"), "\(answer)")
        #expect(!answer.stdout.contains("100 Continue"), "\(answer)")
        #expect(answer.stdout.contains(#""messageNumber":"ZWEAG101E""#) && answer.stdout.contains("1000000 bytes"), "\(answer)")
    }

    @Test("A head over the size limits gets 431 with API ML's body; beyond the connection cap a connection is closed at once, said once")
    func headersAndCap() async throws {
        let apiml = try await LimitedGateway(["ZWE_GATEWAY_MAX_CONNECTIONS": "5"])
        defer { apiml.stop() }
        let cookie = String(repeating: "c", count: 6000)
        let cookies = (1...6).map { #"Cookie: n\#($0)=\#(cookie)\r\n"# }.joined()
        for head in [#"GET /application/health HTTP/1.1\r\nHost: localhost\r\n"# + cookies + #"\r\n"#,
                     #"GET /application/health HTTP/1.1\r\nHost: localhost\r\nX-Long: "# + String(repeating: "y", count: 9000) + #"\r\n\r\n"#] {
            let answer = try await apiml.client(["raw", "--send", head])
            #expect(answer.stdout.hasPrefix("HTTP/1.1 431"), "\(answer)")
            #expect(answer.stdout.contains(#""messageNumber":"ZWEL1521E""#), "\(answer)")
        }
        let ok = try await apiml.client(["raw", "--send", #"GET /application/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"#])
        #expect(ok.stdout.hasPrefix("HTTP/1.1 200"), "\(ok)")

        // The connections of the requests above are counted until the server has closed them
        // too; on a loaded machine that can take a moment after the client hung up.
        try await Task.sleep(for: .seconds(2))
        let held = try LimitedGateway.json(try await apiml.client(["idle", "--connections", "8", "--hold", "2"]))
        #expect(number(held, "answered") == 5 && number(held, "refused") == 3 && number(held, "stillOpen") == 5, "\(held)")
        #expect(apiml.gateway.stdout.components(separatedBy: "ZWEL1518W").count - 1 == 1, "\(apiml.gateway.stdout)")
        // Once they are closed, connections are taken again.
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await apiml.health().status == 200)
        #expect(apiml.gateway.stdout.contains("ZWEL1519I"), "\(apiml.gateway.stdout)")
    }

    @Test("A component on the shared runtime has the same limits (ZWE_COMPONENT_*): 413 before 100, 431, cap, header timeout")
    func componentLimits() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let port = freePort()
        let component = try Running(Programs.testComponent, [], environment: componentEnvironment(keystore, [
            "TEST_COMPONENT_PORT": "\(port)", "ZWE_COMPONENT_MAX_CONNECTIONS": "5", "ZWE_COMPONENT_HEADER_TIMEOUT": "2",
            "ZWE_COMPONENT_MAX_BODY_BYTES": "1000", "ZWE_COMPONENT_MAX_HEADER_BYTES": "4096",
        ]))
        defer { component.stop() }
        guard await component.waitFor("listening on https://127.0.0.1:\(port)") != nil else {
            throw TestFailure("the test component did not start\n\(component.output)")
        }
        func client(_ arguments: [String]) async throws -> ToolResult {
            try await runTool("/usr/bin/env", ["python3", LimitedGateway.client] + arguments + ["--port", "\(port)", "--ca", keystore.caCertificate])
        }
        let tooLarge = try await client(["raw", "--send", #"POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"#])
        #expect(tooLarge.stdout.hasPrefix("HTTP/1.1 413") && !tooLarge.stdout.contains("100 Continue"), "\(tooLarge)")
        #expect(tooLarge.stdout.contains(#""messageNumber":"ZWEL1520E""#) && tooLarge.stdout.contains("ZWE_COMPONENT_MAX_BODY_BYTES"), "\(tooLarge)")
        let bigHead = try await client(["raw", "--send", #"GET /application/health HTTP/1.1\r\nHost: localhost\r\nX-Big: "# + String(repeating: "z", count: 5000) + #"\r\n\r\n"#])
        #expect(bigHead.stdout.hasPrefix("HTTP/1.1 431") && bigHead.stdout.contains(#""messageNumber":"ZWEL1521E""#), "\(bigHead)")

        try await Task.sleep(for: .seconds(2))  // as above: the earlier connections must be gone
        let held = try LimitedGateway.json(try await client(["idle", "--connections", "8", "--hold", "1.5"]))
        #expect(number(held, "answered") == 5 && number(held, "refused") == 3, "\(held)")
        #expect(component.stdout.components(separatedBy: "ZWEL1518W").count - 1 == 1, "\(component.stdout)")

        let slow = try LimitedGateway.json(try await client(["slowloris", "--connections", "4", "--seconds", "3.5", "--interval", "1"]))
        let closed = slow["closedByServer"] as? [String: Any]
        #expect(number(closed, "count") >= 4 && number(closed, "min") >= 1.5 && number(closed, "max") < 3.5, "\(slow)")
    }
}
