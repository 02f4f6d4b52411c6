import Foundation
import Testing
import ZweTestSupport

/// The fixture the launcher's tests start in place of real components: each flag does what it says.
@Suite("zwe-test-component fixture")
struct TestComponentTests {
    func start(_ extra: [String: String], port: Int = freePort()) async throws -> Running {
        let keystore = try await Keystore.make("EC-P256")
        var environment = componentEnvironment(keystore, ["TEST_COMPONENT_PORT": "\(port)"])
        environment.merge(extra) { _, new in new }
        return try Running(Programs.testComponent, [], environment: environment)
    }

    @Test("By default it serves health and stops with status 0 on SIGTERM")
    func healthAndStop() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let port = freePort()
        let running = try await start([:], port: port)
        defer { running.stop() }
        #expect(await running.waitFor("test-component listening on https://127.0.0.1:\(port)") != nil, "\(running.output)")
        let answer = try await curl("https://127.0.0.1:\(port)/application/health", ca: keystore.caCertificate)
        #expect(answer.status == 200 && answer.body == #"{"status":"UP"}"#, "\(answer.result)")
        running.signal(SIGTERM)
        #expect(await running.waitForExit(timeout: .seconds(2)) == 0, "\(running.output)")
    }

    @Test("The port variable can be renamed")
    func portVariable() async throws {
        let port = freePort()
        let running = try await start(["TEST_COMPONENT_PORT_VARIABLE": "GATEWAY_PORT", "GATEWAY_PORT": "\(port)",
                                       "TEST_COMPONENT_PORT": "1", "ZWE_COMPONENT_ID": "gateway"])
        defer { running.stop() }
        #expect(await running.waitFor("gateway listening on https://127.0.0.1:\(port)") != nil, "\(running.output)")
    }

    @Test("TEST_COMPONENT_CRASH_AFTER_MS exits with TEST_COMPONENT_CRASH_STATUS, 3 by default",
          arguments: [(nil, 3), ("7", 7), ("0", 0)] as [(String?, Int32)])
    func crash(status: String?, expected: Int32) async throws {
        // The timer starts with the process: long enough that a loaded machine (the whole test
        // run at once) still gets the component listening before it fires.
        var flags = ["TEST_COMPONENT_CRASH_AFTER_MS": "1500"]
        flags["TEST_COMPONENT_CRASH_STATUS"] = status
        let running = try await start(flags)
        defer { running.stop() }
        #expect(await running.waitFor("listening on") != nil, "\(running.output)")
        let exited = await running.waitForExit(timeout: .seconds(5))
        #expect(exited == expected, "\(running.output)")
        #expect(running.process.exitStatus?.signal == nil)
        #expect(ContinuousClock.now - running.started >= .milliseconds(1500))
    }

    @Test("TEST_COMPONENT_IGNORE_SIGTERM survives SIGTERM and dies on SIGKILL")
    func ignoreSigterm() async throws {
        let running = try await start(["TEST_COMPONENT_IGNORE_SIGTERM": "true"])
        defer { running.stop() }
        #expect(await running.waitFor("listening on") != nil, "\(running.output)")
        running.signal(SIGTERM)
        #expect(await running.waitForExit(timeout: .seconds(1)) == nil, "ended after SIGTERM\n\(running.output)")
        running.signal(SIGKILL)
        #expect(await running.waitForExit(timeout: .seconds(2)) != nil)
        #expect(running.process.exitStatus?.signal == SIGKILL)
    }

    @Test("TEST_COMPONENT_FLOOD_LINES writes exactly N numbered lines, then serves", arguments: [
        ("20000", nil), ("500", "200"), ("300", "one-byte"),
    ] as [(String, String?)])
    func flood(lines: String, bytesPerLine: String?) async throws {
        var flags = ["TEST_COMPONENT_FLOOD_LINES": lines]
        flags["TEST_COMPONENT_FLOOD_BYTES_PER_LINE"] = bytesPerLine
        let running = try await start(flags)
        defer { running.stop() }
        #expect(await running.waitFor("listening on") != nil, "\(running.output)")
        let numbered = running.stdout.split(separator: "\n").filter { !$0.contains("listening on") }
        let count = Int(lines)!
        #expect(numbered.count == count)
        let numbers = numbered.compactMap { line -> Int? in
            let words = line.split(separator: " ")
            return words.first == "line" ? Int(words[1]) : nil
        }
        #expect(numbers == Array(1...count))
        if let width = Int(bytesPerLine ?? "") {
            #expect(numbered.allSatisfy { $0.utf8.count == width })
        }
        running.signal(SIGTERM)
        #expect(await running.waitForExit(timeout: .seconds(2)) == 0)
    }

    @Test("TEST_COMPONENT_NOT_READY never opens the port, and still stops on SIGTERM")
    func notReady() async throws {
        let port = freePort()
        let running = try await start(["TEST_COMPONENT_NOT_READY": "true"], port: port)
        defer { running.stop() }
        try await Task.sleep(for: .milliseconds(600))
        #expect(running.process.isRunning)
        let probe = try await runTool("curl", ["--silent", "--max-time", "2", "--insecure", "https://127.0.0.1:\(port)/application/health"])
        #expect(probe.status == 7, "curl: \(probe)")  // 7: could not connect
        running.signal(SIGTERM)
        #expect(await running.waitForExit(timeout: .seconds(2)) == 0)
    }
}
