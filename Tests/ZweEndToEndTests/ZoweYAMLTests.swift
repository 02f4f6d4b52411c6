import Foundation
import Testing
import ZweTestSupport

/// Zowe v2/v3 configuration end to end: a v1 instance migrated with `zwe migrate` starts from
/// its zowe.yaml with every component READY on the same ports, components see v2's variables,
/// several files merge with the first one winning, HA instances pick their own ports, and bad
/// zowe.yaml input starts nothing and makes nothing.
@Suite("zowe.yaml: migrate, start, status, stop", .serialized)
struct ZoweYAMLTests {
    static func statusJSON(_ launcher: LauncherFixture, _ config: String) throws -> [[String: Any]] {
        let result = try launcher.zwe(["status", "-c", config, "--json"])
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return object["components"] as? [[String: Any]] ?? []
    }

    static func instancePorts(_ instance: String) throws -> [String: Int] {
        let text = try String(contentsOfFile: instance + "/instance.env", encoding: .utf8)
        var ports: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, InstanceFixture.portVariables.contains(parts[0]), let port = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'\""))) { ports[parts[0]] = port }
        }
        return ports
    }

    @Test("A migrated v1 instance starts from its zowe.yaml: every component READY on the same ports, a job through the gateway")
    func migratedInstanceStarts() throws {
        let topology = try TopologyFixture(start: false)
        defer { topology.stop() }
        let launcher = topology.launcher
        let config = launcher.scratch.path + "/zowe.yaml"
        let migrated = try launcher.zwe(["migrate", "-c", topology.instance, "-o", config])
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stderr.contains("ZWEL2240I"), "\(migrated)")
        #expect(mode(config) & 0o777 == 0o600)
        // Written again: refused without --force, file unchanged.
        let before = try String(contentsOfFile: config, encoding: .utf8)
        let again = try launcher.zwe(["migrate", "-c", topology.instance, "-o", config])
        #expect(again.status != 0 && again.stderr.contains("ZWEL2243E"), "\(again)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == before)

        // What migrate writes passes Zowe's schema.
        let validated = try launcher.zwe(["config", "validate", "-c", config])
        #expect(validated.status == 0 && (validated.stdout + validated.stderr).contains("ZWEL2219I"), "\(validated)")

        let started = try launcher.zwe(["start", "-c", config])
        #expect(started.status == 0, "\(started)\n\(launcher.launcherLog(topology.instance))")
        let components = try Self.statusJSON(launcher, config)
        let ports = try Self.instancePorts(topology.instance)
        let expected: [String: String] = ["discovery": "DISCOVERY_PORT", "gateway": "GATEWAY_PORT", "api-catalog": "CATALOG_PORT",
                                          "jobs-api": "JOBS_API_PORT", "explorer-jes": "JES_EXPLORER_UI_PORT"]
        #expect(Set(components.compactMap { $0["id"] as? String }) == Set(expected.keys), "\(components)")
        for component in components {
            let id = component["id"] as? String ?? "?"
            #expect(component["state"] as? String == "READY", "\(component)")
            #expect(component["port"] as? Int == ports[expected[id] ?? ""], "\(id): \(component) vs \(ports)")
        }

        // The same z/OSMF behind the same gateway, as before the migration.
        try topology.waitForRoutes()
        let job = try TopologyTests.submit(topology, "//YAML JOB (ACCT),'V2'\n//STEP1 EXEC PGM=IEFBR14\n")
        #expect(job["jobname"] as? String == "YAML")

        // v2's variables reach the components, and v2's snapshot names.
        let workspace = topology.instance + "/workspace"
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: workspace + "/.env/gateway")
        #expect(snapshots.contains { $0.hasPrefix(".instance-") && $0.hasSuffix(".env") }, "\(snapshots)")
        let gatewayPID = try #require(components.first { $0["id"] as? String == "gateway" }?["pid"] as? Int)
        let environment = LauncherFixture.environ(pid_t(gatewayPID))
        #expect(environment["ZWE_components_gateway_port"] == "\(ports["GATEWAY_PORT"]!)")
        #expect(environment["ZWE_configs_port"] == "\(ports["GATEWAY_PORT"]!)")
        #expect(environment["ZWE_zowe_job_prefix"] == "ZWE1")
        #expect(environment["ZWE_zowe_externalDomains_0"] == "localhost")
        #expect(environment["ZWE_zOSMF_port"] == "\(topology.zosmfPort)")
        #expect(environment["ZWE_zowe_certificate_keystore_file"] == environment["KEYSTORE"])
        #expect(environment["ZWE_ENABLED_COMPONENTS"]?.split(separator: ",").count == 5)
        #expect(environment["ZWE_zowe_verifyCertificates"] == "STRICT")

        // The v1 directory sees the same running instance (one workspace), and the stop ends all.
        let second = try launcher.zwe(["start", "-c", topology.instance])
        #expect(second.status != 0 && second.stderr.contains("ZWEL1602E"), "\(second)")
        let stopped = try launcher.zwe(["stop", "-c", config])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(LauncherFixture.processes(of: workspace).isEmpty)
        let status = try launcher.zwe(["status", "-c", config])
        #expect(status.status != 0 && (status.stdout + status.stderr).contains("ZWEL1603I"), "\(status)")
    }

    @Test("From zowe.yaml alone: init certificate -c --update-config trusts z/OSMF, start, a job through the gateway, a token the jobs API takes")
    func v2KeystoreAndStart() throws {
        let topology = try TopologyFixture(start: false)
        defer { topology.stop() }
        let launcher = topology.launcher
        let v2 = launcher.scratch.path + "/v2"
        let ports = (0..<5).map { _ in freePort() }
        let config = launcher.scratch.write("zowe.yaml", """
            # Site values; the rest comes from the example.
            zowe:
              runtimeDirectory: \(Harness.runtime)
              workspaceDirectory: \(v2)/workspace
              logDirectory: \(v2)/logs
              verifyCertificates: STRICT
              setup:
                certificate:
                  keyAlgorithm: EC-P256
                  pkcs12:
                    directory: \(v2)/keystore
            zOSMF:
              host: localhost
              port: \(topology.zosmfPort)
            components:
              api-catalog: {port: \(ports[0])}
              discovery: {port: \(ports[1])}
              gateway: {port: \(ports[2])}
              jobs-api: {port: \(ports[3])}
              explorer-jes: {port: \(ports[4])}
            """)
        chmod(config, 0o600)
        let configs = "FILE(\(config)):FILE(\(Harness.packageRoot)/instance-template/zowe.yaml)"
        defer { _ = try? launcher.zwe(["stop", "-c", configs]) }
        let made = try launcher.zwe(["init", "certificate", "-c", configs, "--update-config"])
        #expect(made.status == 0, "\(made)")
        #expect(made.stderr.contains("zosmf00") || made.stdout.contains("zosmf00"), "z/OSMF not trusted: \(made)")
        let written = try String(contentsOfFile: config, encoding: .utf8)
        #expect(written.hasPrefix("# Site values"), "the file's comment was lost")
        #expect(written.contains("\(v2)/keystore/localhost/localhost.keystore.p12"))
        let validated = try launcher.zwe(["config", "validate", "-c", configs])
        #expect(validated.status == 0, "\(validated)")

        let started = try launcher.zwe(["start", "-c", configs])
        #expect(started.status == 0, "\(started)\n\((try? String(contentsOfFile: v2 + "/logs/launcher.log", encoding: .utf8)) ?? "")")
        let components = try Self.statusJSON(launcher, configs)
        #expect(components.count == 5 && components.allSatisfy { $0["state"] as? String == "READY" }, "\(components)")

        // Through the gateway with the v2 CA: a job to z/OSMF, a login, the token at the jobs API.
        let ca = v2 + "/keystore/local_ca/local_ca.cer"
        let gateway = "https://localhost:\(ports[2])"
        func curl(_ arguments: [String]) throws -> Harness.Result {
            try Harness.run("/usr/bin/env", ["curl", "--silent", "--show-error", "--max-time", "20", "--cacert", ca] + arguments)
        }
        var submitted = ""
        for _ in 0..<50 {
            let answer = try curl(["-u", "IBMUSER:SYS1", "-X", "PUT", "-H", "Content-Type: text/plain", "-H", "X-CSRF-ZOSMF-HEADER: true",
                                   "--data-binary", "//V2JOB JOB (ACCT)\n//STEP1 EXEC PGM=IEFBR14\n", "--fail",
                                   gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs"])
            if answer.status == 0 { submitted = answer.stdout; break }
            usleep(200_000)
        }
        #expect(submitted.contains("\"jobname\":\"V2JOB\""), "\(submitted)")
        let cookies = launcher.scratch.path + "/cookies"
        let login = try curl(["-c", cookies, "-u", "IBMUSER:SYS1", "-X", "POST", "-o", "/dev/null", "-w", "%{http_code}", gateway + "/gateway/api/v1/auth/login"])
        #expect(login.stdout == "204", "\(login)")
        // The jobs API registers with discovery just after READY, and the gateway learns of it.
        var jobs = try curl(["-b", cookies, "-w", "\n%{http_code}", gateway + "/jobs/api/v2?owner=IBMUSER&prefix=*"])
        for _ in 0..<100 where !jobs.stdout.hasSuffix("\n200") {
            usleep(100_000)
            jobs = try curl(["-b", cookies, "-w", "\n%{http_code}", gateway + "/jobs/api/v2?owner=IBMUSER&prefix=*"])
        }
        #expect(jobs.stdout.hasSuffix("\n200") && jobs.stdout.contains("V2JOB"), "\(jobs)")
    }

    /// A zowe.yaml over the fixture's keystore, on free ports.
    static func writeConfig(_ launcher: LauncherFixture, name: String, extra: String = "", ports: [String: Int]) -> String {
        let keystore = launcher.keystore
        return launcher.scratch.write(name, """
            zowe:
              runtimeDirectory: \(Harness.runtime)
              workspaceDirectory: \(launcher.scratch.path)/\(name)-workspace
              job:
                prefix: ZWY1
                name: ${{ zowe.job.prefix }}SV
              externalDomains: [localhost]
              externalPort: ${{ components.gateway.port }}
              verifyCertificates: DISABLED
              certificate:
                keystore:
                  type: PKCS12
                  file: \(keystore)/localhost/localhost.keystore.p12
                  password: password
                  alias: localhost
                truststore:
                  type: PKCS12
                  file: \(keystore)/localhost/localhost.truststore.p12
                  password: password
                pem:
                  key: \(keystore)/localhost/localhost.keystore.key
                  certificate: \(keystore)/localhost/localhost.keystore.cer
                  certificateAuthorities: [\(keystore)/local_ca/localca.cer]
            components:
              discovery:
                enabled: true
                port: \(ports["discovery"] ?? 1)
              gateway:
                enabled: true
                port: \(ports["gateway"] ?? 2)
            \(extra)
            """)
    }

    @Test("Several files merge with the first winning; an HA instance takes its own ports; the plan shows v2's names")
    func mergeAndHAInstances() throws {
        let launcher = try LauncherFixture()
        defer { launcher.tearDown() }
        let base = Self.writeConfig(launcher, name: "base.yaml", extra: """
            haInstances:
              hosta:
                hostname: localhost
                components:
                  gateway:
                    port: 40002
              hostb:
                hostname: localhost
                components:
                  discovery:
                    enabled: false
            """, ports: ["discovery": 40001, "gateway": 40000])
        chmod(base, 0o600)
        let site = launcher.scratch.write("site.yaml", "zowe:\n  job:\n    prefix: ZWS1\ncomponents:\n  discovery:\n    port: 40011\n")
        let argument = "FILE(\(site)):FILE(\(base))"
        let a = try launcher.zwe(["validate", "-c", argument, "--ha-instance", "hosta", "--json"])
        let report = (try? JSONSerialization.jsonObject(with: Data(a.stdout.utf8))) as? [String: Any] ?? [:]
        let plan = report["components"] as? [[String: Any]] ?? []
        #expect(plan.first { $0["id"] as? String == "gateway" }?["port"] as? Int == 40002, "\(a)")
        #expect(plan.first { $0["id"] as? String == "discovery" }?["port"] as? Int == 40011, "\(a)")
        #expect(plan.first { $0["id"] as? String == "gateway" }?["jobName"] as? String == "ZWS1AG", "\(a)")
        let b = try launcher.zwe(["validate", "-c", argument, "--ha-instance", "hostb", "--json"])
        let bPlan = ((try? JSONSerialization.jsonObject(with: Data(b.stdout.utf8))) as? [String: Any])?["components"] as? [[String: Any]] ?? []
        #expect(bPlan.compactMap { $0["id"] as? String } == ["gateway"], "\(b)")
        #expect(bPlan.first?["port"] as? Int == 40000, "\(b)")
        let unknown = try launcher.zwe(["validate", "-c", argument, "--ha-instance", "hostc"])
        #expect(unknown.status != 0 && unknown.stderr.contains("ZWEL2208E") && unknown.stderr.contains("hosta, hostb"), "\(unknown)")
    }

    @Test("The example zowe.yaml of instance-template passes Zowe's schema, alone and under an override file")
    func exampleValidates() throws {
        let launcher = try LauncherFixture()
        defer { launcher.tearDown() }
        let example = Harness.packageRoot + "/instance-template/zowe.yaml"
        let alone = try launcher.zwe(["config", "validate", "-c", example])
        #expect(alone.status == 0, "\(alone)")
        let site = launcher.scratch.write("site.yaml", "zowe:\n  runtimeDirectory: \(Harness.runtime)\n  setup:\n    certificate:\n      pkcs12:\n        directory: \(launcher.keystore)\ncomponents:\n  gateway:\n    port: 41554\n")
        let merged = try launcher.zwe(["config", "validate", "-c", "FILE(\(site)):FILE(\(example))"])
        #expect(merged.status == 0, "\(merged)")
        // The override's port reaches the plan, and zowe.externalPort follows it by its template.
        let planned = try launcher.zwe(["validate", "-c", "FILE(\(site)):FILE(\(example))", "--json"])
        let components = ((try? JSONSerialization.jsonObject(with: Data(planned.stdout.utf8))) as? [String: Any])?["components"] as? [[String: Any]] ?? []
        #expect(components.first { $0["id"] as? String == "gateway" }?["port"] as? Int == 41554, "\(planned)")
    }

    @Test("Bad zowe.yaml input: an error with file:line:col, nothing started, no workspace made")
    func badInput() throws {
        let launcher = try LauncherFixture()
        defer { launcher.tearDown() }
        let cases: [(name: String, edit: (String) -> String, id: String, line: Int?)] = [
            ("unresolved template", { $0.replacingOccurrences(of: "name: ${{ zowe.job.prefix }}SV", with: "name: ${{ zowe.job.nothing }}SV") }, "ZWEL2203E", 6),
            ("malformed YAML", { $0.replacingOccurrences(of: "externalDomains: [localhost]", with: "externalDomains: [localhost") }, "ZWEL1200E", nil),
            ("unknown verify mode", { $0.replacingOccurrences(of: "verifyCertificates: DISABLED", with: "verifyCertificates: SOMETIMES") }, "ZWEL2205E", 9),
            ("no keystore", { $0.replacingOccurrences(of: "      file: \(launcher.keystore)/localhost/localhost.keystore.p12\n", with: "") }, "ZWEL2209E", nil),
        ]
        for (index, item) in cases.enumerated() {
            let name = "bad\(index).yaml"
            let good = Self.writeConfig(launcher, name: name, ports: ["discovery": freePort(), "gateway": freePort()])
            let text = try String(contentsOfFile: good, encoding: .utf8)
            let broken = item.edit(text)
            #expect(broken != text, "\(item.name): the edit changed nothing")
            try broken.write(toFile: good, atomically: true, encoding: .utf8)
            chmod(good, 0o600)
            let started = try launcher.zwe(["start", "-c", good])
            #expect(started.status != 0, "\(item.name): \(started)")
            #expect(started.stderr.contains(item.id), "\(item.name): \(started)")
            if let line = item.line { #expect(started.stderr.contains("\(good):\(line):"), "\(item.name): \(started)") }
            #expect(!FileManager.default.fileExists(atPath: launcher.scratch.path + "/\(name)-workspace"), "\(item.name): a workspace was made")
        }
    }
}
