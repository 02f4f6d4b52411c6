import Foundation
import Testing
import ZweTestSupport

/// R2-R5: the launcher's own death, a component that will not stop, and operators doing the
/// same thing at once.
@Suite("R2-R5: launcher killed, SIGTERM ignored, concurrent setups and starts")
struct LauncherFailureTests {
    @Test("R2: The launcher killed with SIGKILL takes its components with it, and the next start works",
          arguments: Reliability.quick ? [0] : [0, 125])
    func launcherKilled(idleSeconds: Int) throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance")
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        if idleSeconds > 0 { sleep(UInt32(idleSeconds)) }  // worker threads come and go meanwhile
        let launcher = try fixture.status(instance)["launcherPid"]
        #expect(LauncherFixture.processes(of: instance).count >= 5)
        try signalProcess(launcher, SIGKILL)
        let deadline = Date().addingTimeInterval(1)
        var left = LauncherFixture.processes(of: instance)
        while !left.isEmpty && Date() < deadline {
            usleep(20_000)
            left = LauncherFixture.processes(of: instance)
        }
        #expect(left.isEmpty, "left after 1 s: \(left)")
        let again = try fixture.zwe(["start", "-c", instance])
        #expect(again.status == 0, "\(again)")
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
    }

    @Test("R3: A component that ignores SIGTERM is killed at its timeout and named; stop exits 0 and nothing is left")
    func ignoresSIGTERM() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance", components: [
            TestComponentSpec(id: "stubborn", jobCode: "SB", shutdownTimeout: 1, script: "export TEST_COMPONENT_IGNORE_SIGTERM=true"),
            TestComponentSpec(id: "polite", jobCode: "PO"),
        ])
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        let pid = pid_t(try fixture.component("stubborn", of: instance)?["pid"] as? Int ?? -1)
        let stopped = try fixture.zwe(["stop", "-c", instance])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(fixture.launcherLog(instance).contains("ZWEL0063W component stubborn(\(pid)) did not stop in 1 seconds and was killed"))
        #expect(kill(-pid, 0) != 0 || !LauncherFixture.isAlive(pid), "the process group of stubborn is still there")
        #expect(LauncherFixture.processes(of: instance).isEmpty)
    }

    @Test("R5: Five starts at once: exactly one launcher, four 'already running'")
    func fiveStarts() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance")
        let starts = try (0..<5).map { _ in try Harness.start(Harness.zwe, ["start", "-c", instance], environment: fixture.environment) }
        let results = starts.map { $0.finish() }
        #expect(results.filter { $0.status == 0 }.count == 1, "\(results)")
        for result in results where result.status != 0 {
            #expect(result.stderr.contains("already running"), "\(result)")
        }
        let launchers = LauncherFixture.processes(of: instance).filter { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("launcher-run")
        }
        // Launchers do not carry INSTANCE_DIR; find them by command line instead.
        let byCommandLine = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init).filter { pid in
            guard LauncherFixture.isAlive(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.contains("launcher-run") && arguments.contains(instance)
        }
        #expect(launchers.isEmpty)
        #expect(byCommandLine.count == 1, "\(byCommandLine)")
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
    }

    @Test("R4: Ten setups at once on one directory end with one complete, valid set")
    func concurrentSetups() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256")])
        let running = try (0..<10).map { _ in try Harness.start(Harness.zwe, ["init", "certificate", "-p", file]) }

        // While they run, whoever looks sees a complete set or none.
        var partialSeen: [String] = []
        var looks = 0
        while running.contains(where: { $0.process.isRunning }) {
            if FileManager.default.fileExists(atPath: keystore + "/zowe-certificates.env") {
                looks += 1
                let missing = layoutFiles().filter { !FileManager.default.fileExists(atPath: keystore + "/" + $0) }
                if !missing.isEmpty { partialSeen.append(missing.joined(separator: ",")) }
            }
            usleep(2_000)
        }
        for process in running {
            let result = process.finish()
            #expect(result.status == 0, "\(result)")
        }
        #expect(partialSeen.isEmpty, "a reader saw a partial set: \(partialSeen.prefix(3))")

        let env = Harness.baseEnvironment(["PW": "password"])
        for store in ["localhost/localhost.keystore.p12", "localhost/localhost.truststore.p12"] {
            let list = try Harness.run("keytool", ["-list", "-storetype", "PKCS12", "-keystore", keystore + "/" + store, "-storepass:env", "PW"], environment: env)
            #expect(list.status == 0, "\(list)")
        }
        let verify = try Harness.run("openssl", ["verify", "-CAfile", "local_ca/localca.cer", "localhost/localhost.keystore.cer"], directory: keystore)
        #expect(verify.status == 0, "\(verify)")
        let sets = try FileManager.default.contentsOfDirectory(atPath: keystore + "/.zwe/sets")
        #expect(sets.count == 1, "\(sets)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: keystore + "/.zwe").filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
