import Foundation
import ZweTestSupport
import Testing

@Suite("Instance directories and preflight, end to end")
struct InstanceTests {
    @Test("configure-instance writes instance.env, the bin scripts and logs/ from the template and the keystore")
    func configureCreates() throws {
        let fixture = try InstanceFixture(setup: [("HOSTNAME", "zowe.example.test,zowe"), ("IPADDRESS", "127.0.0.1,10.1.2.3")])
        let manager = FileManager.default
        for name in ["instance.env", "bin/zowe-start.sh", "bin/zowe-stop.sh", "bin/zowe-status.sh", "logs"] {
            #expect(manager.fileExists(atPath: fixture.instance + "/" + name), "\(name) missing")
        }
        for name in ["zowe-start.sh", "zowe-stop.sh", "zowe-status.sh"] {
            #expect(access(fixture.instance + "/bin/" + name, X_OK) == 0)
        }
        // sh reads instance.env the same way: placeholders were filled with quoted values.
        let sourced = try Harness.run("/bin/sh", ["-c", #". ./instance.env; printf '%s|%s|%s|%s|%s' "$ROOT_DIR" "$KEYSTORE_DIRECTORY" "$ZOWE_EXPLORER_HOST" "$ZOWE_IP_ADDRESS" "$ZWE_DISCOVERY_SERVICES_LIST""#], directory: fixture.instance)
        let discovery = fixture.ports["DISCOVERY_PORT"]!
        #expect(sourced.stdout == "\(Harness.runtime)|\(fixture.keystore)|zowe.example.test|10.1.2.3|https://zowe.example.test:\(discovery)/eureka/", "\(sourced)")
    }

    @Test("Re-running configure-instance keeps user values, adds missing keys and rewrites a stale ROOT_DIR")
    func configureUpgrades() throws {
        let fixture = try InstanceFixture()
        var text = try String(contentsOfFile: fixture.instanceEnv, encoding: .utf8)
        text = text.components(separatedBy: "\n").filter { !$0.hasPrefix("ZWE_LOG_KEEP=") && !$0.hasPrefix("ROOT_DIR=") }.joined(separator: "\n")
        text += "ROOT_DIR=/opt/old/zowe/runtime\nMY_OWN_SETTING='keep me $'\n"
        try text.write(toFile: fixture.instanceEnv, atomically: true, encoding: .utf8)
        let gateway = fixture.ports["GATEWAY_PORT"]!

        let result = try Harness.zwe(["configure-instance", "-c", fixture.instance, "--set", "ZOWE_INSTANCE=7"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ZWEL1421I") && result.stdout.contains("added ZWE_LOG_KEEP"), "\(result)")
        let sourced = try Harness.run("/bin/sh", ["-c", #". ./instance.env; printf '%s|%s|%s|%s|%s' "$ROOT_DIR" "$GATEWAY_PORT" "$ZWE_LOG_KEEP" "$MY_OWN_SETTING" "$ZOWE_INSTANCE""#], directory: fixture.instance)
        #expect(sourced.stdout == "\(Harness.runtime)|\(gateway)|5|keep me $|7", "\(sourced)")
        let lines = try String(contentsOfFile: fixture.instanceEnv, encoding: .utf8).components(separatedBy: "\n")
        #expect(lines.filter { $0.hasPrefix("ROOT_DIR=") }.count == 1)
    }

    @Test("An instance directory inside the runtime is refused")
    func insideRuntime() throws {
        let result = try Harness.zwe(["configure-instance", "-c", Harness.runtime + "/my-instance"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ZWEL1419E"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: Harness.runtime + "/my-instance"))
    }

    @Test("The wrapper zowe-configure-instance.sh works like the command")
    func configureWrapper() throws {
        let scratch = TemporaryDirectory()
        let result = try Harness.run(Harness.runtime + "/bin/zowe-configure-instance.sh", ["-c", scratch.path + "/inst", "--set", "ZOWE_PREFIX=ABC"])
        #expect(result.status == 0, "\(result)")
        let text = try String(contentsOfFile: scratch.path + "/inst/instance.env", encoding: .utf8)
        #expect(text.contains("ZOWE_PREFIX='ABC'"))
    }

    @Test("A clean keystore and instance validate with exit 0, in text and JSON")
    func cleanValidates() throws {
        let fixture = try InstanceFixture()
        let (status, report, raw) = try fixture.validate()
        #expect(status == 0, "\(raw)")
        #expect(report.errorCount == 0, "\(report.findings)")
        #expect(report["warnings"] as? Int == 0, "\(report.findings)")
        let text = try fixture.validate(json: false)
        #expect(text.status == 0)
        #expect(text.raw.stdout.contains("ZWEL1417I") && text.raw.stdout.contains("5 components"), "\(text.raw)")
    }

    @Test("A missing instance.env is an error")
    func missingInstanceEnv() throws {
        let scratch = TemporaryDirectory()
        let result = try Harness.zwe(["validate", "-c", scratch.path, "--json"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("ZWEL1400E"))
    }

    @Test("Malformed instance.env and command substitution: error with file:line, nothing run")
    func malformedInstanceEnv() throws {
        let fixture = try InstanceFixture()
        let original = try String(contentsOfFile: fixture.instanceEnv, encoding: .utf8)
        let marker = fixture.scratch.path + "/pwned"
        let cases: [(String, String)] = [
            ("GATEWAY_PORT = 7554", "ZWEL1005E"),
            ("ZOWE_PREFIX=$(touch \(marker))", "ZWEL1002E"),
            ("ZOWE_PREFIX=`touch \(marker)`", "ZWEL1002E"),
            ("ZOWE_PREFIX=\"unclosed", "ZWEL1003E"),
        ]
        for (line, id) in cases {
            try (original + line + "\n").write(toFile: fixture.instanceEnv, atomically: true, encoding: .utf8)
            let lineNumber = original.components(separatedBy: "\n").count
            let (status, report, raw) = try fixture.validate()
            #expect(status == 1, "\(line): \(raw)")
            let finding = report.finding(id)
            #expect(finding != nil, "\(line): \(report.findings)")
            #expect((finding?["location"] as? String)?.hasPrefix("\(fixture.instanceEnv):\(lineNumber)") == true, "\(String(describing: finding))")
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
        try original.write(toFile: fixture.instanceEnv, atomically: true, encoding: .utf8)
        #expect(try fixture.validate().status == 0)
    }

    @Test("A bad ROOT_DIR is an error naming the line")
    func badRootDir() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("ROOT_DIR=/nonexistent/zowe")
        let (status, report, _) = try fixture.validate()
        #expect(status == 1)
        #expect(report.finding("ZWEL1401E")?["location"] as? String == "\(fixture.instanceEnv):\(try fixture.line(of: "ROOT_DIR="))")
        try fixture.setInstance("ROOT_DIR=\(Harness.runtime)")
        #expect(try fixture.validate().status == 0)
    }

    @Test("A missing keystore directory or zowe-certificates.env is one error")
    func missingKeystore() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("KEYSTORE_DIRECTORY=\(fixture.scratch.path)/nowhere")
        var (status, report, _) = try fixture.validate()
        #expect(status == 1)
        #expect(report.ids() == ["ZWEL1404E"], "\(report.findings)")

        try fixture.setInstance("KEYSTORE_DIRECTORY=\(fixture.scratch.path)")
        (status, report, _) = try fixture.validate()
        #expect(status == 1)
        #expect(report.ids() == ["ZWEL1405E"], "\(report.findings)")
        try fixture.setInstance("KEYSTORE_DIRECTORY=\(fixture.keystore)")
        #expect(try fixture.validate().status == 0)
    }

    @Test("A port held by another process is reported with that process's pid")
    func portInUse() throws {
        let fixture = try InstanceFixture()
        let port = fixture.ports["GATEWAY_PORT"]!
        let holder = try Harness.start("python3", ["-c", "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',\(port)))\ns.listen()\nprint('ready',flush=True)\ntime.sleep(60)"])
        defer { kill(holder.process.pid, SIGKILL); _ = holder.finish() }
        // The whole test run starts at once: Python may take seconds to get to listen().
        var waited = 0
        while (try? String(contentsOfFile: holder.outPath, encoding: .utf8))?.contains("ready") != true && waited < 3000 {
            usleep(10_000)
            waited += 1
        }
        try #require((try? String(contentsOfFile: holder.outPath, encoding: .utf8))?.contains("ready") == true, "the port holder did not start listening in 30 s")
        let (status, report, raw) = try fixture.validate()
        #expect(status == 1, "\(raw)")
        let finding = report.finding("ZWEL1413E")
        #expect((finding?["message"] as? String)?.contains("pid \(holder.process.pid)") == true, "\(String(describing: finding))")
        #expect(finding?["location"] as? String == "port \(port)")
        kill(holder.process.pid, SIGKILL)
        holder.process.waitUntilExit()
        #expect(try fixture.validate().status == 0)
    }

    @Test("Two components on one port are reported")
    func duplicatePort() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("JOBS_API_PORT=\(fixture.ports["GATEWAY_PORT"]!)")
        let (status, report, _) = try fixture.validate()
        #expect(status == 1)
        let message = report.finding("ZWEL1412E")?["message"] as? String ?? ""
        #expect(message.contains("gateway") && message.contains("jobs-api"), "\(report.findings)")
        try fixture.setInstance("JOBS_API_PORT=\(fixture.ports["JOBS_API_PORT"]!)")
        #expect(try fixture.validate().status == 0)
    }

    @Test("Two independent problems give two errors in one run (exit 2)")
    func twoProblems() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("ROOT_DIR=\(Harness.runtime)")
        try fixture.setInstance("JOBS_API_PORT=\(fixture.ports["GATEWAY_PORT"]!)")
        try fixture.setInstance("ZWE_BIND_ADDRESS=not-an-address")
        let (status, report, raw) = try fixture.validate()
        #expect(status == 2, "\(raw)")
        #expect(Set(report.ids()) == ["ZWEL1412E", "ZWEL1418E"], "\(report.findings)")
    }

    @Test("A malformed manifest.yaml names file, line and column")
    func malformedManifest() throws {
        let fixture = try InstanceFixture()
        let component = fixture.scratch.path + "/extension/broken"
        try FileManager.default.createDirectory(atPath: component + "/bin", withIntermediateDirectories: true)
        try "id: broken\ncommands:\n  start: bin/start.sh\n  validate: [unclosed\n".write(toFile: component + "/manifest.yaml", atomically: true, encoding: .utf8)
        try fixture.setInstance("EXTERNAL_COMPONENTS=\(component)")
        let (status, report, raw) = try fixture.validate()
        #expect(status == 1, "\(raw)")
        let location = report.finding("ZWEL1200E")?["location"] as? String ?? ""
        #expect(location.hasPrefix(component + "/manifest.yaml:"), "\(report.findings)")
        #expect(location.split(separator: ":").count == 3, "file:line:col, got \(location)")
        try "#!/bin/sh\nexec sleep 1\n".write(toFile: component + "/bin/start.sh", atomically: true, encoding: .utf8)
        chmod(component + "/bin/start.sh", 0o755)
        try "id: broken\ncommands:\n  start: bin/start.sh\n".write(toFile: component + "/manifest.yaml", atomically: true, encoding: .utf8)
        #expect(try fixture.validate().status == 0)
    }

    @Test("A start script that is missing or not executable is reported")
    func startScriptProblems() throws {
        let fixture = try InstanceFixture()
        let component = fixture.scratch.path + "/extension/vendor"
        try FileManager.default.createDirectory(atPath: component + "/bin", withIntermediateDirectories: true)
        try "id: vendor\ncommands:\n  start: bin/start.sh\n".write(toFile: component + "/manifest.yaml", atomically: true, encoding: .utf8)
        try fixture.setInstance("EXTERNAL_COMPONENTS=\(component)")
        var (status, report, _) = try fixture.validate()
        #expect(status == 1)
        #expect((report.finding("ZWEL1408E")?["message"] as? String)?.contains(component + "/bin/start.sh") == true, "\(report.findings)")

        try "#!/bin/sh\nexec sleep 1\n".write(toFile: component + "/bin/start.sh", atomically: true, encoding: .utf8)
        chmod(component + "/bin/start.sh", 0o644)
        (status, report, _) = try fixture.validate()
        #expect(report.ids() == ["ZWEL1408E"])
        chmod(component + "/bin/start.sh", 0o755)
        (status, report, _) = try fixture.validate()
        #expect(status == 0, "\(report.findings)")
    }

    @Test("A component's validate script failing is an error with its output")
    func validateScriptFails() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("CATALOG_PORT=abc")
        let (status, report, _) = try fixture.validate()
        #expect(status >= 1)
        let failed = report.findings.first { $0["id"] as? String == "ZWEL1416E" }
        #expect((failed?["message"] as? String)?.contains("CATALOG_PORT must be a port number") == true, "\(report.findings)")
        #expect(report.ids().contains("ZWEL1411E"))
        try fixture.setInstance("CATALOG_PORT=\(fixture.ports["CATALOG_PORT"]!)")
        #expect(try fixture.validate().status == 0)
    }

    @Test("A long ZOWE_PREFIX is a warning, not an error")
    func longPrefix() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("ZOWE_PREFIX=ZOWEPROD")
        let (status, report, _) = try fixture.validate()
        #expect(status == 0)
        #expect(report.ids(severity: "warning") == ["ZWEL1414W"])
    }
}
