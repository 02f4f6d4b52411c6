import Foundation
import Testing
import ZweTestSupport

/// The built `zwe-component`, started as the launcher starts it, checked with curl and openssl.
@Suite("zwe-component over real TLS")
struct ComponentProgramTests {
    static let components = [
        ("discovery", "DISCOVERY_PORT"), ("gateway", "GATEWAY_PORT"), ("api-catalog", "CATALOG_PORT"),
        ("jobs-api", "JOBS_API_PORT"), ("explorer-jes", "JES_EXPLORER_UI_PORT"),
    ]

    /// Starts a component and waits for its "listening" line.
    static func start(_ id: String, _ keystore: Keystore, _ extra: [String: String] = [:]) async throws -> (Running, Int) {
        let variable = components.first { $0.0 == id }!.1
        let port = freePort()
        var environment = componentEnvironment(keystore, extra)
        environment[variable] = environment[variable] ?? "\(port)"
        let running = try Running(Programs.component, [id], environment: environment)
        let url = "https://127.0.0.1:\(environment[variable]!)"
        guard await running.waitFor("\(id) listening on \(url)") != nil else {
            running.stop()
            throw TestFailure("\(id) did not start listening on \(url)\n\(running.output)")
        }
        return (running, Int(environment[variable]!)!)
    }

    @Test("Every component answers /application/health without a client certificate and stops on SIGTERM",
          arguments: ["RSA-2048", "EC-P256"])
    func health(algorithm: String) async throws {
        let keystore = try await Keystore.make(algorithm)
        for (id, _) in Self.components {
            let (running, port) = try await Self.start(id, keystore)
            defer { running.stop() }
            let answer = try await curl("https://127.0.0.1:\(port)/application/health", ca: keystore.caCertificate,
                                        extra: ["--header", "Accept: application/json", "--dump-header", "/dev/stderr"])
            #expect(answer.status == 200, "\(id): \(answer.result)")
            // The gateway's health also names what it depends on; every component says UP.
            let health = jsonObject(answer.body) as? [String: Any]
            #expect(health?["status"] as? String == "UP", "\(id): \(answer.body)")
            if id != "gateway" { #expect(answer.body == #"{"status":"UP"}"#, "\(id)") }
            #expect(answer.result.stderr.lowercased().contains("content-type: application/json"), "\(id)")
            let missing = try await curl("https://127.0.0.1:\(port)/no/such/page", ca: keystore.caCertificate)
            #expect(missing.status == 404, "\(id)")

            let stopping = ContinuousClock.now
            running.signal(SIGTERM)
            let status = await running.waitForExit(timeout: .seconds(2))
            #expect(status == 0, "\(id) after SIGTERM\n\(running.output)")
            #expect(running.process.exitStatus?.signal == nil)
            print("\(id) (\(algorithm)) stopped \(ContinuousClock.now - stopping) after SIGTERM")
        }
    }

    @Test("TLS 1.1 and older are refused; TLS 1.2 and 1.3 are served")
    func protocolVersions() async throws {
        let keystore = try await Keystore.make("RSA-2048")
        let (running, port) = try await Self.start("gateway", keystore)
        defer { running.stop() }
        let connect = ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", keystore.caCertificate]
        let old = try await runTool("openssl", connect + ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"])
        #expect(old.status != 0, "\(old)")
        #expect(old.stdout.contains("no peer certificate available") && old.stdout.contains("Cipher is (NONE)"), "\(old)")
        for (option, name) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
            let new = try await runTool("openssl", connect + [option])
            #expect(new.status == 0, "\(option): \(new)")
            #expect(new.stdout.contains("Protocol  : \(name)") || new.stdout.contains("New, \(name), Cipher is"), "\(option): \(new)")
            #expect(new.stdout.contains("Verify return code: 0 (ok)"), "\(option): \(new)")
        }
    }

    @Test("discovery and the gateway ask for a client certificate of the instance CA and accept one; a client without one connects")
    func clientCertificates() async throws {
        let keystore = try await Keystore.make("EC-P256")

        let (discovery, discoveryPort) = try await Self.start("discovery", keystore)
        defer { discovery.stop() }
        let asked = try await runTool("openssl", ["s_client", "-connect", "127.0.0.1:\(discoveryPort)", "-CAfile", keystore.caCertificate])
        #expect(asked.stdout.contains("Acceptable client certificate CA names"), "\(asked)")
        let withCertificate = try await curl("https://127.0.0.1:\(discoveryPort)/application/health", ca: keystore.caCertificate,
                                             extra: ["--cert", keystore.certificate, "--key", keystore.privateKey])
        #expect(withCertificate.status == 200, "\(withCertificate.result)")
        let without = try await curl("https://127.0.0.1:\(discoveryPort)/application/health", ca: keystore.caCertificate)
        #expect(without.status == 200, "\(without.result)")

        let (gateway, gatewayPort) = try await Self.start("gateway", keystore)
        defer { gateway.stop() }
        let gatewayAsks = try await runTool("openssl", ["s_client", "-connect", "127.0.0.1:\(gatewayPort)", "-CAfile", keystore.caCertificate])
        #expect(gatewayAsks.stdout.contains("Acceptable client certificate CA names"), "\(gatewayAsks)")
        let withOne = try await curl("https://127.0.0.1:\(gatewayPort)/application/health", ca: keystore.caCertificate,
                                     extra: ["--cert", keystore.certificate, "--key", keystore.privateKey])
        #expect(withOne.status == 200, "\(withOne.result)")
        let withNone = try await curl("https://127.0.0.1:\(gatewayPort)/application/health", ca: keystore.caCertificate)
        #expect(withNone.status == 200, "\(withNone.result)")
    }

    @Test("Log lines have the launcher's form; DEBUG logs one line per request, INFO none")
    func requestLogging() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let environment = ["ZWE_JOB_NAME": "ZWE1AG", "ZWE_COMPONENT_ID": "gateway"]
        let (quiet, quietPort) = try await Self.start("gateway", keystore, environment)
        defer { quiet.stop() }
        _ = try await curl("https://127.0.0.1:\(quietPort)/application/health", ca: keystore.caCertificate)
        quiet.signal(SIGTERM)
        #expect(await quiet.waitForExit(timeout: .seconds(2)) == 0)
        // Started alone, the gateway warns about what it lacks (a discovery list, a users file);
        // apart from those, INFO says only that it listens.
        let quietLines = quiet.stdout.split(separator: "\n").filter { !$0.contains(" WARN ") }
        #expect(quietLines.count == 1, "\(quiet.output)")
        let listening = try #require(quietLines.first)
        let match = listening.wholeMatch(
            of: #/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} <ZWE1AG:(\d+)> INFO gateway listening on https://127\.0\.0\.1:(\d+)/#)
        #expect(match.map { String($0.output.1) } == "\(quiet.pid)", "\(listening)")
        #expect(match.map { String($0.output.2) } == "\(quietPort)", "\(listening)")

        let (loud, loudPort) = try await Self.start("gateway", keystore, environment.merging(["ZWE_LOG_LEVEL_ZWELS": "DEBUG"]) { $1 })
        defer { loud.stop() }
        for path in ["/application/health", "/application/health", "/missing"] {
            _ = try await curl("https://127.0.0.1:\(loudPort)\(path)", ca: keystore.caCertificate)
        }
        loud.signal(SIGTERM)
        #expect(await loud.waitForExit(timeout: .seconds(2)) == 0)
        let requests = loud.stdout.split(separator: "\n").filter { $0.contains(" DEBUG GET /") }
        #expect(requests.count == 3, "\(loud.output)")
        let pattern = #/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} <ZWE1AG:\d+> DEBUG GET (\S+) (\d{3}) \d+\.\d ms from 127\.0\.0\.1:\d+/#
        let parsed = requests.compactMap { $0.wholeMatch(of: pattern).map { "\($0.output.1) \($0.output.2)" } }
        #expect(parsed == ["/application/health 200", "/application/health 200", "/missing 404"], "\(requests)")
    }

    @Test("A gateway serves right after it says it listens (start-up time and memory printed, not asserted)")
    func startupAndMemory() async throws {
        let keystore = try await Keystore.make("RSA-2048")
        var times: [Duration] = []
        for _ in 0..<5 {
            let port = freePort()
            let running = try Running(Programs.component, ["gateway"],
                                      environment: componentEnvironment(keystore, ["GATEWAY_PORT": "\(port)"]))
            defer { running.stop() }
            let elapsed = try #require(await running.waitFor("listening on"), "\(running.output)")
            times.append(elapsed)
            let answer = try await curl("https://127.0.0.1:\(port)/application/health", ca: keystore.caCertificate)
            #expect(answer.status == 200)
            try await Task.sleep(for: .milliseconds(300))
            print("gateway: listening \(elapsed) after start; idle VmRSS \(running.residentKilobytes ?? -1) kB")
        }
        // Speed is measured by bench/start-stop.sh; here the figures are only reported.
        print("gateway start-up to listening, 5 runs: \(times)")
        #expect(times.count == 5)
    }

    @Test("A request in flight when SIGTERM comes is answered before the exit")
    func inFlight() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let port = freePort()
        let running = try Running(Programs.testComponent, [],
                                  environment: componentEnvironment(keystore, ["TEST_COMPONENT_PORT": "\(port)"]))
        defer { running.stop() }
        #expect(await running.waitFor("listening on") != nil, "\(running.output)")
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("in-flight-\(UUID().uuidString).trace").path
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let request = Task.detached {
            try await curl("https://127.0.0.1:\(port)/test/sleep/700", ca: keystore.caCertificate, extra: ["--trace-ascii", trace])
        }
        // SIGTERM once the request has been sent (curl's trace says so), not after a fixed
        // time that a busy machine may need for the handshake alone.
        let sent = await eventually(timeout: .seconds(20), every: .milliseconds(5)) {
            ((try? String(contentsOfFile: trace, encoding: .utf8)) ?? "").contains("=> Send header") ? true : nil
        }
        #expect(sent == true, "curl did not send the request")
        try await Task.sleep(for: .milliseconds(50))
        running.signal(SIGTERM)
        let answer = try await request.value
        #expect(answer.status == 200, "\(answer.result)")
        #expect(answer.body == "slept 700 ms")
        #expect(await running.waitForExit(timeout: .seconds(2)) == 0, "\(running.output)")
    }

    @Test("An idle keep-alive connection does not hold up the stop")
    func idleConnection() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let (running, port) = try await Self.start("api-catalog", keystore)
        defer { running.stop() }
        // s_client keeps the connection while its input stays open.
        let client = try Running("/bin/sh", ["-c", "sleep 10 | openssl s_client -connect 127.0.0.1:\(port) -CAfile '\(keystore.caCertificate)'"],
                                 environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        defer { client.stop() }
        #expect(await client.waitFor("Verify return code: 0 (ok)") != nil, "\(client.output)")
        let stopping = ContinuousClock.now
        running.signal(SIGTERM)
        #expect(await running.waitForExit(timeout: .seconds(2)) == 0, "\(running.output)")
        #expect(ContinuousClock.now - stopping < .seconds(10), "the stop waited for something it should not")
    }

    @Test("SIGINT stops a component like SIGTERM")
    func sigint() async throws {
        let (running, _) = try await Self.start("jobs-api", try await Keystore.make("EC-P256"))
        defer { running.stop() }
        running.signal(SIGINT)
        #expect(await running.waitForExit(timeout: .seconds(2)) == 0, "\(running.output)")
    }
}
