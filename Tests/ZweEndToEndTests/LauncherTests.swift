import Foundation
import ZweTestSupport
import Testing

@Suite("Launcher: start, supervision, stop, status, several instances")
struct LauncherTests {
    /// What a component may see of the world besides instance.env and zowe-certificates.env.
    static let launcherKeys: Set<String> = [
        "INSTANCE_DIR", "ROOT_DIR", "WORKSPACE_DIR", "LAUNCH_COMPONENT", "ZWELS_HA_INSTANCE_ID", "ZOWE_PREFIX",
        "VERIFY_CERTIFICATES", "NONSTRICT_VERIFY_CERTIFICATES", "ZWE_EXTERNAL_PORT", "STATIC_DEF_CONFIG_DIR",
        "ZOWE_MANIFEST", "ZWE_COMPONENT_ID", "ZWE_JOB_NAME", "PATH", "HOME", "LANG", "TZ", "ZWE_SAF_DIR", "ZWE_BIN_DIR",
        // Set by the start script's own shell (sh exports its working directory), not by the launcher.
        "PWD",
    ]

    @Test("Start: every component READY in its own process group, with exactly the injected environment")
    func startInjectsEnvironment() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance")
        let started = try fixture.zwe(["start", "-c", instance], extra: ["ZWE_TEST_CANARY": "from-the-caller"])
        #expect(started.status == 0, "\(started)")
        #expect(started.stdout.contains("READY") && started.stdout.contains("ZWE1AG"), "\(started)")

        let status = try fixture.status(instance)
        #expect(status["jobName"] as? String == "ZWE1SV")
        let components = status["components"] as? [[String: Any]] ?? []
        #expect(components.count == 5)
        let certificates = try String(contentsOfFile: fixture.keystore + "/zowe-certificates.env", encoding: .utf8)
        let instanceText = try String(contentsOfFile: instance + "/instance.env", encoding: .utf8)
        let allowed = Self.launcherKeys.union(Self.keys(certificates)).union(Self.keys(instanceText))
        for component in components {
            let id = component["id"] as? String ?? "?"
            #expect(component["state"] as? String == "READY", "\(id)")
            #expect(component["health"] as? String == "UP", "\(id)")
            let pid = pid_t(component["pid"] as? Int ?? -1)
            #expect(LauncherFixture.isAlive(pid), "\(id) pid \(pid)")
            #expect(getpgid(pid) == pid, "\(id) is not the leader of its own process group")
            let environ = LauncherFixture.environ(pid)
            #expect(environ["KEYSTORE"] == "\(fixture.keystore)/localhost/localhost.keystore.p12", "\(id)")
            #expect(environ["TRUSTSTORE"] == "\(fixture.keystore)/localhost/localhost.truststore.p12", "\(id)")
            #expect(environ["KEY_ALIAS"] == "localhost" && environ["KEYSTORE_PASSWORD"] == "password", "\(id)")
            #expect(environ["INSTANCE_DIR"] == instance && environ["ZWE_JOB_NAME"] == component["jobName"] as? String)
            #expect(environ["ZWE_TEST_CANARY"] == nil, "the caller's environment leaked into \(id)")
            let unexpected = Set(environ.keys).subtracting(allowed)
            #expect(unexpected.isEmpty, "\(id) got \(unexpected.sorted())")
        }
        // The snapshot is there, owner-only, with the password masked.
        let snapshot = instance + "/.env/gateway/.\(status["haInstance"] as? String ?? "?").env"
        let snapshotText = (try? String(contentsOfFile: snapshot, encoding: .utf8)) ?? ""
        #expect(snapshotText.contains("KEYSTORE_PASSWORD='********'") && !snapshotText.contains("'password'"), "\(snapshot)")
        #expect(mode(snapshot) == 0o600)
        #expect(mode(instance + "/workspace/launcher.sock") == 0o600)

        let stopped = try fixture.zwe(["stop", "-c", instance])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(LauncherFixture.processes(of: instance).isEmpty)
        for name in ["launcher.pid", "launcher.lock", "launcher.sock"] {
            #expect(!FileManager.default.fileExists(atPath: instance + "/workspace/" + name), "\(name) left")
        }
        let again = try fixture.zwe(["stop", "-c", instance])
        #expect(again.status == 0 && again.stdout.contains("ZWEL1603I"), "\(again)")
        let component = try fixture.zwe(["stop", "-c", instance, "--component", "gateway"])
        #expect(component.status == 1 && component.stderr.contains("ZWEL1603I"))
    }

    static func keys(_ envText: String) -> Set<String> {
        Set(envText.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return nil }
            return String(trimmed[..<equals]).replacingOccurrences(of: "export ", with: "")
        })
    }

    @Test("A crash restarts by policy; endless crashes end FAILED with ZWEL0038E; an operator start brings it back")
    func crashAndRestart() throws {
        let fixture = try LauncherFixture()
        let marker = fixture.scratch.path + "/crash-now"
        let instance = try fixture.instance("instance", components: [
            TestComponentSpec(id: "steady", jobCode: "ST", restartIntervals: [0]),
            TestComponentSpec(id: "flaky", jobCode: "FL", restartIntervals: [0, 0], script: "[ -f '\(marker)' ] && export TEST_COMPONENT_CRASH_AFTER_MS=100"),
        ])
        let started = try fixture.zwe(["start", "-c", instance])
        #expect(started.status == 0, "\(started)")

        let steady = try fixture.component("steady", of: instance)
        try signalProcess(steady?["pid"], SIGKILL)
        let back = try fixture.wait(instance) { status in
            let item = (status["components"] as? [[String: Any]])?.first { $0["id"] as? String == "steady" }
            return item?["state"] as? String == "READY" && item?["restarts"] as? Int == 1
        }
        let afterCrash = try fixture.status(instance)
        #expect(back, "steady did not come back READY: \(afterCrash)")
        #expect(try fixture.component("steady", of: instance)?["lastExitStatus"] as? String == "signal SIGKILL")
        let log = fixture.launcherLog(instance)
        #expect(log.contains("ZWEL0004I component steady(") && log.contains("ZWEL0005I next attempt to restart component steady in 0 seconds"), "\(log)")

        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        try signalProcess(try fixture.component("flaky", of: instance)?["pid"], SIGKILL)
        let failed = try fixture.wait(instance) { status in
            (status["components"] as? [[String: Any]])?.first { $0["id"] as? String == "flaky" }?["state"] as? String == "FAILED"
        }
        let afterCrashes = try fixture.status(instance)
        #expect(failed, "\(afterCrashes)")
        #expect(fixture.launcherLog(instance).contains("ZWEL0038E failed to restart component flaky, max retries reached"))
        #expect(try fixture.component("flaky", of: instance)?["lastExitStatus"] as? String == "exit 3")

        try FileManager.default.removeItem(atPath: marker)
        let operatorStart = try fixture.zwe(["start", "-c", instance, "--component", "flaky"])
        #expect(operatorStart.status == 0, "\(operatorStart)")
        #expect(try fixture.wait(instance) { status in
            (status["components"] as? [[String: Any]])?.first { $0["id"] as? String == "flaky" }?["state"] as? String == "READY"
        })
        let twice = try fixture.zwe(["start", "-c", instance, "--component", "flaky"])
        #expect(twice.status == 1 && twice.stderr.contains("ZWEL0039E"), "\(twice)")

        // Operator stop and restart.
        #expect(try fixture.zwe(["stop", "-c", instance, "--component", "steady"]).status == 0)
        #expect(try fixture.wait(instance) { ($0["components"] as? [[String: Any]])?.first { $0["id"] as? String == "steady" }?["state"] as? String == "STOPPED" })
        #expect(try fixture.zwe(["restart", "-c", instance, "--component", "steady"]).status == 0)
        #expect(try fixture.wait(instance) { ($0["components"] as? [[String: Any]])?.first { $0["id"] as? String == "steady" }?["state"] as? String == "READY" })

        // zwe logs: the launcher's log, and a component's.
        let launcherLog = try fixture.zwe(["logs", "-c", instance])
        #expect(launcherLog.status == 0 && launcherLog.stdout.contains("ZWEL0038E"))
        let componentLog = try fixture.zwe(["logs", "-c", instance, "steady"])
        #expect(componentLog.status == 0 && componentLog.stdout.contains("<ZWE1ST:"), "\(componentLog)")
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
    }

    @Test("Two instances on one keystore run side by side; a port clash is caught before anything starts")
    func twoInstances() throws {
        let fixture = try LauncherFixture()
        let first = try fixture.instance("first")
        let second = try fixture.instance("second", extra: ["ZOWE_INSTANCE": "2"])
        #expect(try fixture.zwe(["start", "-c", first]).status == 0)
        #expect(try fixture.zwe(["start", "-c", second]).status == 0)
        let all = try fixture.zwe(["status", "--all", "--json"])
        let listed = ((try? JSONSerialization.jsonObject(with: Data(all.stdout.utf8))) as? [String: Any])?["instances"] as? [[String: Any]] ?? []
        #expect(Set(listed.compactMap { $0["instance"] as? String }) == [first, second], "\(all)")
        #expect(Set(listed.compactMap { $0["jobName"] as? String }) == ["ZWE1SV", "ZWE2SV"])

        #expect(try fixture.zwe(["stop", "-c", first]).status == 0)
        let remaining = try fixture.status(second)["components"] as? [[String: Any]] ?? []
        #expect(remaining.count == 5 && remaining.allSatisfy { $0["state"] as? String == "READY" }, "\(remaining)")

        // A third instance given the second's gateway port.
        let gatewayPort = try String(contentsOfFile: second + "/instance.env", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("GATEWAY_PORT=") }.map { String($0.dropFirst("GATEWAY_PORT=".count)).replacingOccurrences(of: "'", with: "") } ?? ""
        let third = try fixture.instance("third", extra: ["ZOWE_INSTANCE": "3"], ports: ["GATEWAY_PORT": Int(gatewayPort) ?? 0])
        let clash = try fixture.zwe(["start", "-c", third])
        #expect(clash.status != 0)
        #expect(clash.stderr.contains("ZWEL1608E") && clash.stderr.contains(second), "\(clash)")
        #expect(LauncherFixture.processes(of: third).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: third + "/workspace/launcher.pid"))
        #expect(try fixture.zwe(["stop", "-c", second]).status == 0)
    }

    @Test("A relative ZWE_BIN_DIR is taken from where zwe start runs, not from each component's folder")
    func relativeBinDirectory() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance", components: [TestComponentSpec(id: "single", jobCode: "SI")])
        let bin = URL(fileURLWithPath: Harness.binDirectory).standardizedFileURL
        let environment = fixture.environment.merging(["ZWE_BIN_DIR": bin.lastPathComponent]) { _, new in new }
        let started = try Harness.zwe(["start", "-c", instance], environment: environment, directory: bin.deletingLastPathComponent().path)
        #expect(started.status == 0, "\(started)\n\(fixture.launcherLog(instance))")
        #expect(try fixture.component("single", of: instance)?["state"] as? String == "READY")
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
    }

    @Test("A flood of output written a byte at a time, across many rotations, loses no line")
    func floodAcrossRotation() throws {
        let fixture = try LauncherFixture()
        let count = 20_000
        let instance = try fixture.instance("instance", components: [
            TestComponentSpec(id: "chatty", jobCode: "CH", script: "export TEST_COMPONENT_FLOOD_LINES=\(count) TEST_COMPONENT_FLOOD_BYTES_PER_LINE=one-byte"),
        ], extra: ["ZWE_LOG_MAX_BYTES": "4096", "ZWE_LOG_KEEP": "200"])
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        let logs = instance + "/logs"
        func lines() -> [String] {
            var files = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).filter { $0.hasPrefix("chatty.log") }
            files.sort { lhs, rhs in
                let left = Int(lhs.split(separator: ".").last ?? "") ?? 0
                let right = Int(rhs.split(separator: ".").last ?? "") ?? 0
                return left > right  // oldest (highest number) first, the current file last
            }
            return files.flatMap { ((try? String(contentsOfFile: logs + "/" + $0, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        }
        let deadline = Date().addingTimeInterval(60)
        while !lines().contains("line \(count)") && Date() < deadline { usleep(100_000) }
        let numbered = lines().filter { $0.hasPrefix("line ") }
        #expect(numbered.count == count, "got \(numbered.count) numbered lines")
        #expect(numbered == (1...count).map { "line \($0)" }, "lines missing or out of order")
        let rotated = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).filter { $0.hasPrefix("chatty.log.") }
        #expect(rotated.count > 10, "the flood should have rotated the log many times")
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
    }

    @Test("A component that never becomes READY: start exits 1 naming it; --stop-on-failure leaves nothing")
    func neverReady() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance", components: [
            TestComponentSpec(id: "mute", jobCode: "MU", readyTimeout: 1, script: "export TEST_COMPONENT_NOT_READY=true"),
            TestComponentSpec(id: "fine", jobCode: "FI"),
        ])
        let started = try fixture.zwe(["start", "-c", instance])
        #expect(started.status == 1, "\(started)")
        #expect(started.stderr.contains("ZWEL1601E component mute is not READY"), "\(started)")
        // The rest is left running.
        #expect(try fixture.component("fine", of: instance)?["state"] as? String == "READY")
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)

        let again = try fixture.zwe(["start", "-c", instance, "--stop-on-failure"])
        #expect(again.status == 1)
        #expect(LauncherFixture.processes(of: instance).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: instance + "/workspace/launcher.pid"))
    }

    @Test("--foreground keeps the launcher in the calling process until stopped")
    func foreground() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance", components: [TestComponentSpec(id: "single", jobCode: "SI")])
        let running = try Harness.start(Harness.zwe, ["start", "-c", instance, "--foreground"], environment: fixture.environment)
        #expect(try fixture.wait(instance) { ($0["components"] as? [[String: Any]])?.first?["state"] as? String == "READY" })
        #expect(try fixture.status(instance)["launcherPid"] as? Int == Int(running.process.pid))
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
        let result = running.finish()
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("ZWEL0022I Zowe Launcher stopped"), "the foreground launcher echoes its log: \(result)")
    }
}
