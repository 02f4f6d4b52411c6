import Foundation
import Testing
import ZweConfiguration
import ZweExport
import ZweTestSupport

@Suite("Export: Kubernetes manifests and the systemd unit of an instance")
struct ExportTests {
    /// A password that appears nowhere but where it is stored.
    static let password = "Kube$ecret-4711"

    /// Every document of the YAML files, read by PyYAML and handed over as JSON.
    static func documents(_ files: [String]) async throws -> [[String: Any]] {
        let script = "import yaml, json, sys\nprint(json.dumps([d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d is not None]))"
        let read = try await runTool("python3", ["-c", script] + files)
        try #require(read.status == 0, "PyYAML could not read the manifests: \(read)")
        return try #require(jsonObject(read.stdout) as? [[String: Any]])
    }

    static func yamlFiles(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
    }

    @Test("export kubernetes: the manifests of a real instance pass kubernetes-validate --strict, with probes, Secret and ConfigMap")
    func kubernetesManifests() async throws {
        let fixture = try LauncherFixture(setup: [("KEYSTORE_PASSWORD", Self.password)])
        defer { fixture.tearDown() }
        let instance = try fixture.instance("instance")
        let output = fixture.scratch.path + "/manifests"
        let exported = try fixture.zwe(["export", "kubernetes", "-c", instance, "-o", output])
        #expect(exported.status == 0, "\(exported)")
        #expect(exported.stdout.contains("ZWEL2127I"), "\(exported)")
        #expect(!exported.stdout.contains(Self.password) && !exported.stderr.contains(Self.password), "the password was printed: \(exported)")
        // The certificate names only localhost: every cluster name is missing, and said so.
        #expect(exported.stderr.contains("ZWEL2126W") && exported.stderr.contains("gateway.zowe.svc.cluster.local")
            && exported.stderr.contains("discovery-0.discovery-headless.zowe.svc.cluster.local"), "\(exported)")

        let files = try Self.yamlFiles(output)
        #expect(files.map { ($0 as NSString).lastPathComponent } == [
            "00-namespace.yaml", "10-secret.yaml", "20-configmap.yaml", "30-services.yaml", "40-statefulsets.yaml", "50-deployments.yaml",
        ])
        for file in files {
            #expect(mode(file) == (file.hasSuffix("10-secret.yaml") ? 0o600 : 0o644), "\(file)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).allSatisfy { !$0.hasPrefix(".") }, "a staging file was left")

        let validated = try await runTool("kubernetes-validate", ["--strict", "--kubernetes-version", "1.30.0"] + files)
        #expect(validated.status == 0 && !validated.stdout.contains("ERROR") && !validated.stderr.contains("ERROR"), "\(validated)")
        print("kubernetes-validate --strict -k 1.30.0:\n\(validated.stdout)\(validated.stderr)")

        let documents = try await Self.documents(files)
        func kind(_ kind: String) -> [[String: Any]] { documents.filter { $0["kind"] as? String == kind } }
        func name(_ document: [String: Any]) -> String { (document["metadata"] as? [String: Any])?["name"] as? String ?? "?" }
        #expect(kind("Namespace").map(name) == ["zowe"])
        #expect(kind("StatefulSet").map(name) == ["discovery"])
        #expect(Set(kind("Deployment").map(name)) == ["gateway", "api-catalog", "jobs-api", "explorer-jes"])
        #expect(Set(kind("Service").map(name)) == ["discovery", "discovery-headless", "gateway", "api-catalog", "jobs-api", "explorer-jes"])
        for document in documents {
            #expect((document["metadata"] as? [String: Any])?["namespace"] as? String == (document["kind"] as? String == "Namespace" ? nil : "zowe"), "\(name(document))")
        }

        // Services: ClusterIP on the instance's ports; discovery's pods behind a headless one.
        let portOf = ["discovery": "DISCOVERY_PORT", "gateway": "GATEWAY_PORT", "api-catalog": "CATALOG_PORT",
                      "jobs-api": "JOBS_API_PORT", "explorer-jes": "JES_EXPLORER_UI_PORT"]
        for service in kind("Service") {
            let spec = service["spec"] as? [String: Any] ?? [:]
            let component = name(service).replacingOccurrences(of: "-headless", with: "")
            let port = try configuredPort(portOf[component] ?? "?", instance: instance)
            #expect((spec["ports"] as? [[String: Any]])?.first?["port"] as? Int == port, "\(name(service))")
            if name(service) == "discovery-headless" {
                #expect(spec["clusterIP"] as? String == "None")
            } else {
                #expect(spec["type"] as? String == "ClusterIP")
            }
        }
        #expect((kind("StatefulSet").first?["spec"] as? [String: Any])?["serviceName"] as? String == "discovery-headless")

        // Workloads: the start script, the probes on the health check, the Secret at the keystore path.
        for workload in kind("StatefulSet") + kind("Deployment") {
            let id = name(workload)
            let pod = ((workload["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any] ?? [:]
            let container = try #require((pod["containers"] as? [[String: Any]])?.first, "\(id)")
            #expect(container["command"] as? [String] == ["/opt/zowe/runtime/components/\(id)/bin/start.sh"], "\(id)")
            let port = try configuredPort(portOf[id] ?? "?", instance: instance)
            #expect((container["ports"] as? [[String: Any]])?.first?["containerPort"] as? Int == port, "\(id)")
            for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
                let check = (container[probe] as? [String: Any])?["httpGet"] as? [String: Any]
                #expect(check?["scheme"] as? String == "HTTPS" && check?["path"] as? String == "/application/health"
                    && check?["port"] as? String == "https", "\(id) \(probe)")
            }
            let startup = container["startupProbe"] as? [String: Any] ?? [:]
            #expect((startup["failureThreshold"] as? Int ?? 0) * (startup["periodSeconds"] as? Int ?? 0) >= 60, "\(id): the ready timeout is 60 s")
            let env = container["env"] as? [[String: Any]] ?? []
            let password = env.first { $0["name"] as? String == "KEYSTORE_PASSWORD" }
            #expect(((password?["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any])?["key"] as? String == "KEYSTORE_PASSWORD", "\(id)")
            let mounts = container["volumeMounts"] as? [[String: Any]] ?? []
            #expect(mounts.contains { $0["name"] as? String == "keystore" && $0["mountPath"] as? String == fixture.keystore }, "\(id)")
            #expect(pod["enableServiceLinks"] as? Bool == false, "\(id): service links would set GATEWAY_PORT=tcp://...")
        }
        let discoveryPod = (((kind("StatefulSet").first?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
        #expect((discoveryPod["initContainers"] as? [[String: Any]])?.first?["command"] as? [String] == ["/opt/zowe/runtime/components/discovery/bin/configure.sh"])

        // The Secret: the keystore directory's files and the password; not the CA's private key.
        let secret = try #require(kind("Secret").first)
        let data = secret["data"] as? [String: String] ?? [:]
        for key in ["zowe-certificates.env", "localhost.localhost.keystore.p12", "localhost.localhost.truststore.p12",
                    "localhost.localhost.keystore.cer-ebcdic", "localhost.localhost.keystore.key", "local_ca.localca.cer", "KEYSTORE_PASSWORD"] {
            #expect(data[key] != nil, "Secret key \(key) missing: \(data.keys.sorted())")
        }
        #expect(data["local_ca.localca.keystore.p12"] == nil)
        #expect(data["KEYSTORE_PASSWORD"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } == Self.password)
        let truststore = try Data(contentsOf: URL(fileURLWithPath: fixture.keystore + "/localhost/localhost.truststore.p12"))
        #expect(data["localhost.localhost.truststore.p12"] == truststore.base64EncodedString())

        // The ConfigMap: the shared environment, as the cluster needs it.
        let config = try #require(kind("ConfigMap").first?["data"] as? [String: String])
        let discoveryPort = try configuredPort("DISCOVERY_PORT", instance: instance)
        #expect(config["ZWE_DISCOVERY_SERVICES_LIST"] == "https://discovery-0.discovery-headless.zowe.svc.cluster.local:\(discoveryPort)/eureka/")
        #expect(config["ZWE_BIND_ADDRESS"] == "0.0.0.0" && config["ROOT_DIR"] == "/opt/zowe/runtime" && config["INSTANCE_DIR"] == "/opt/zowe/instance")
        #expect(config["KEYSTORE"] == fixture.keystore + "/localhost/localhost.keystore.p12")
        let gatewayPort = try configuredPort("GATEWAY_PORT", instance: instance)
        #expect(config["GATEWAY_PORT"] == "\(gatewayPort)")
        #expect(config["KEYSTORE_PASSWORD"] == nil && config["PATH"] == nil && config["HOME"] == nil)

        // No password anywhere but in the Secret.
        for document in documents where document["kind"] as? String != "Secret" {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            #expect(!text.contains(Self.password), "\(document["kind"] ?? "?") \(name(document)) holds the password")
        }
        for file in files where !file.hasSuffix("10-secret.yaml") {
            #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains(Self.password), "\(file)")
        }

        // Without -o, to a pipe or a file: the same documents on standard output.
        let printed = try fixture.zwe(["export", "kubernetes", "-c", instance, "--namespace", "zowe-two"])
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout.hasPrefix("---\n") && printed.stdout.contains("kind: \"Secret\"") && printed.stdout.contains("namespace: \"zowe-two\""))
        #expect(!printed.stderr.contains(Self.password))
    }

    @Test("export kubernetes: no certificate warning when the SAN covers the cluster names; one naming them for another namespace")
    func clusterNamesInCertificate() async throws {
        let fixture = try LauncherFixture(setup: [
            ("HOSTNAME", "localhost,*.zowe.svc.cluster.local,discovery-0.discovery-headless.zowe.svc.cluster.local"),
        ])
        defer { fixture.tearDown() }
        let instance = try fixture.instance("instance", extra: ["ZOWE_EXPLORER_HOST": "localhost"])
        let covered = try fixture.zwe(["export", "kubernetes", "-c", instance, "-o", fixture.scratch.path + "/covered"])
        #expect(covered.status == 0 && !covered.stderr.contains("ZWEL2126W"), "\(covered)")

        let other = try fixture.zwe(["export", "kubernetes", "-c", instance, "--namespace", "other", "-o", fixture.scratch.path + "/other"])
        #expect(other.status == 0, "\(other)")
        #expect(other.stderr.contains("ZWEL2126W") && other.stderr.contains("gateway.other.svc.cluster.local")
            && other.stderr.contains("discovery-0.discovery-headless.other.svc.cluster.local")
            && other.stderr.contains("*.other.svc.cluster.local"), "\(other)")
        #expect(!other.stderr.contains("gateway.zowe.svc"), "\(other)")
    }

    @Test("export kubernetes: a bad option or instance is an error with an id, and the output folder is left as it was")
    func kubernetesErrors() throws {
        let fixture = try LauncherFixture()
        defer { fixture.tearDown() }
        let instance = try fixture.instance("instance")
        let output = fixture.scratch.path + "/manifests"
        let first = try fixture.zwe(["export", "kubernetes", "-c", instance, "-o", output])
        #expect(first.status == 0, "\(first)")
        let before = treeFingerprint(output)

        let badNamespace = try fixture.zwe(["export", "kubernetes", "-c", instance, "-o", output, "--namespace", "Bad_Name"])
        #expect(badNamespace.status == 1 && badNamespace.stderr.contains("ZWEL2124E"), "\(badNamespace)")
        let badReplicas = try fixture.zwe(["export", "kubernetes", "-c", instance, "-o", output, "--discovery-replicas", "0"])
        #expect(badReplicas.status == 1 && badReplicas.stderr.contains("ZWEL2129E"), "\(badReplicas)")
        let noInstance = try fixture.zwe(["export", "kubernetes", "-c", fixture.scratch.path + "/nothing", "-o", output])
        #expect(noInstance.status == 1 && noInstance.stderr.contains("ZWEL2120E"), "\(noInstance)")
        let notAFolder = try fixture.zwe(["export", "kubernetes", "-c", instance, "-o", instance + "/instance.env"])
        #expect(notAFolder.status == 1 && notAFolder.stderr.contains("ZWEL2125E"), "\(notAFolder)")
        #expect(treeFingerprint(output) == before, "a failed export changed the output folder")

        // Two discovery pods: both in the list every component registers with.
        let two = try fixture.zwe(["export", "kubernetes", "-c", instance, "--discovery-replicas", "2"])
        #expect(two.status == 0 && two.stdout.contains("discovery-1.discovery-headless.zowe.svc.cluster.local"), "\(two)")
    }

    @Test("export systemd: systemd-analyze verify accepts the unit, and rejects a broken one")
    func systemdUnit() async throws {
        let fixture = try LauncherFixture()
        defer { fixture.tearDown() }
        let instance = try fixture.instance("instance")
        let unitPath = fixture.scratch.path + "/zowe-export-test.service"
        let exported = try fixture.zwe(["export", "systemd", "-c", instance, "-o", unitPath, "--user", "zwesvusr"])
        #expect(exported.status == 0 && exported.stdout.contains("ZWEL2127I"), "\(exported)")
        let unit = try String(contentsOfFile: unitPath, encoding: .utf8)
        let zwe = URL(fileURLWithPath: Harness.zwe).resolvingSymlinksInPath().path
        for line in ["Type=notify", "NotifyAccess=main", "KillMode=mixed", "Restart=on-failure", "User=zwesvusr",
                     "ExecStart=\(zwe) start -c \(instance) --foreground", "ExecStop=\(zwe) stop -c \(instance)",
                     "Environment=\"ZWE_BIN_DIR=\(Harness.binDirectory)\""] {
            #expect(unit.contains("\n" + line + "\n"), "missing \(line):\n\(unit)")
        }
        #expect(unit.contains("TimeoutStartSec=") && unit.contains("TimeoutStopSec="))

        let verified = try await runTool("/usr/bin/systemd-analyze", ["verify", unitPath])
        print("systemd-analyze verify \(unitPath): exit \(verified.status)\(verified.stdout)\(verified.stderr)")
        #expect(verified.status == 0, "\(verified)")
        #expect(!verified.stdout.contains("zowe-export-test") && !verified.stderr.contains("zowe-export-test"), "warnings about the unit: \(verified)")

        // The check can fail: a missing program, unbalanced quoting, an unknown directive.
        let missing = fixture.scratch.write("zowe-missing.service", unit.replacingOccurrences(of: "ExecStart=\(zwe)", with: "ExecStart=/nonexistent/zwe"))
        let missingResult = try await runTool("/usr/bin/systemd-analyze", ["verify", missing])
        #expect(missingResult.status != 0, "\(missingResult)")
        let quoting = fixture.scratch.write("zowe-quoting.service", unit.replacingOccurrences(of: " --foreground\n", with: " \"--foreground\n"))
        let quotingResult = try await runTool("/usr/bin/systemd-analyze", ["verify", quoting])
        #expect(quotingResult.status != 0, "\(quotingResult)")
        let unknown = fixture.scratch.write("zowe-unknown.service", unit.replacingOccurrences(of: "KillMode=mixed", with: "KillMode=mixed\nKilMode=process"))
        let unknownResult = try await runTool("/usr/bin/systemd-analyze", ["verify", unknown])
        #expect((unknownResult.stdout + unknownResult.stderr).contains("zowe-unknown.service"), "\(unknownResult)")

        let badUser = try fixture.zwe(["export", "systemd", "-c", instance, "--user", "a b"])
        #expect(badUser.status == 1 && badUser.stderr.contains("ZWEL2129E"), "\(badUser)")

        // An instance with HA instances: the unit starts and stops the one named, and verifies.
        try "haInstances:\n  sysa:\n    hostname: localhost\n".write(toFile: instance + "/ha-instances.yaml", atomically: true, encoding: .utf8)
        let haPath = fixture.scratch.path + "/zowe-ha.service"
        let haExported = try fixture.zwe(["export", "systemd", "-c", instance, "-o", haPath, "--ha-instance", "sysa"])
        #expect(haExported.status == 0, "\(haExported)")
        let haUnit = (try? String(contentsOfFile: haPath, encoding: .utf8)) ?? ""
        #expect(haUnit.contains("\nExecStart=\(zwe) start -c \(instance) --ha-instance sysa --foreground\n"), "\(haUnit)")
        #expect(haUnit.contains("\nExecStop=\(zwe) stop -c \(instance) --ha-instance sysa\n"), "\(haUnit)")
        let haVerified = try await runTool("/usr/bin/systemd-analyze", ["verify", haPath])
        #expect(haVerified.status == 0, "\(haVerified)")
        let unknownHA = try fixture.zwe(["export", "systemd", "-c", instance, "--ha-instance", "sysz"])
        #expect(unknownHA.status != 0 && unknownHA.stderr.contains("ZWEL2151E"), "\(unknownHA)")
    }

    @Test("zwe start --foreground tells NOTIFY_SOCKET READY=1 once every component is READY, and STOPPING=1 on SIGTERM")
    func notifyProtocol() async throws {
        let fixture = try LauncherFixture()
        defer { fixture.tearDown() }
        let instance = try fixture.instance("instance")
        let socket = try NotifySocket(path: fixture.scratch.path + "/notify.sock")
        let launcher = try Harness.start(Harness.zwe, ["start", "-c", instance, "--foreground"],
                                         environment: fixture.environment.merging(["NOTIFY_SOCKET": socket.name]) { _, new in new })
        defer { if launcher.process.isRunning { launcher.stop() } }

        var received: [String] = []
        while !received.contains(where: { $0.split(separator: "\n").contains("READY=1") }) {
            guard let message = await socket.receive(timeoutMilliseconds: 60_000) else { break }
            received.append(message)
        }
        // At READY=1, status already shows every component READY.
        let status = try fixture.status(instance)
        let components = status["components"] as? [[String: Any]] ?? []
        #expect(received.last?.split(separator: "\n").contains("READY=1") == true, "no READY=1: \(received)")
        #expect(components.count == 5 && components.allSatisfy { $0["state"] as? String == "READY" }, "READY=1 before every component was READY: \(status)")
        #expect(received.first == "STATUS=Starting 5 components", "\(received)")
        #expect(received.last == "READY=1\nSTATUS=All 5 components READY", "\(received)")
        #expect(status["launcherPid"] as? Int == Int(launcher.pid))

        launcher.signal(SIGTERM)
        var stopping: String?
        while stopping == nil, let message = await socket.receive(timeoutMilliseconds: 30_000) {
            if message.split(separator: "\n").contains("STOPPING=1") { stopping = message }
        }
        #expect(stopping == "STOPPING=1\nSTATUS=Stopping components")
        let result = launcher.finish()
        #expect(result.status == 0, "\(result)")
        #expect(LauncherFixture.processes(of: instance).isEmpty, "components left after the launcher ended")
    }

    @Test("An abstract NOTIFY_SOCKET (@name) gets READY=1, and STOPPING=1 when zwe stop asks")
    func notifyAbstractSocket() async throws {
        let fixture = try LauncherFixture()
        defer { fixture.tearDown() }
        let instance = try fixture.instance("instance", components: [TestComponentSpec(id: "single", jobCode: "SI")])
        let socket = try NotifySocket(path: "@zwe-notify-\(UUID().uuidString)")
        let launcher = try Harness.start(Harness.zwe, ["start", "-c", instance, "--foreground"],
                                         environment: fixture.environment.merging(["NOTIFY_SOCKET": socket.name]) { _, new in new })
        defer { if launcher.process.isRunning { launcher.stop() } }
        var ready = false
        while !ready, let message = await socket.receive(timeoutMilliseconds: 30_000) {
            ready = message.split(separator: "\n").contains("READY=1")
        }
        #expect(ready)
        #expect(try fixture.component("single", of: instance)?["state"] as? String == "READY")
        let stopped = try fixture.zwe(["stop", "-c", instance])
        #expect(stopped.status == 0, "\(stopped)")
        var stopping = false
        while !stopping, let message = await socket.receive(timeoutMilliseconds: 10_000) {
            stopping = message.split(separator: "\n").contains("STOPPING=1")
        }
        #expect(stopping)
        #expect(launcher.finish().status == 0)
        #expect(LauncherFixture.processes(of: instance).isEmpty)
    }

    @Test("YAML scalars: every string reads back unchanged, whatever it holds")
    func yamlQuoting() async throws {
        let nasty = ["", "yes", "no", "on", "null", "~", "007", "1e3", "0x1F", "true", "- item", "key: value", "#comment", "a # b",
                     "\"quoted\"", "back\\slash", "line\nbreak", "tab\there", "\u{1}\u{7F}\u{85}\u{2028}\u{FEFF}", "ünïcödé ✓", "$(VAR) $$", "{a: 1}", "[1, 2]", "'single'", "@at", "`tick`", "%percent", "*alias", "&anchor", "!tag", "|", ">"]
        let document = YAMLValue.map([
            "list": .list(nasty.map(YAMLValue.string)),
            "map": .map(nasty.enumerated().map { YAMLEntry("k\($0.offset)", .string($0.element)) }),
            "keys": .map(nasty.filter { !$0.isEmpty }.map { YAMLEntry($0, .int(1)) }),
            "nested": .list([.map(["a": .list([.string("x"), .map(["b": .int(2)])]), "c": .map([])]), .list([.string("y")]), .list([])]),
        ])
        let folder = try TemporaryPaths.makeDirectory("zwe-yaml")
        let file = folder + "/document.yaml"
        // Both styles: every string quoted (manifests), and bare where safe (migrated zowe.yaml).
        for style in [YAMLWriter.Style.quoted, .plain] {
            try YAMLWriter.stream([document], style: style).write(toFile: file, atomically: true, encoding: .utf8)
            let read = try #require(try await Self.documents([file]).first)
            #expect(read["list"] as? [String] == nasty, "\(style)")
            let map = read["map"] as? [String: String] ?? [:]
            for (index, text) in nasty.enumerated() { #expect(map["k\(index)"] == text, "\(style): \(text.debugDescription)") }
            #expect(Set((read["keys"] as? [String: Int] ?? [:]).keys) == Set(nasty.filter { !$0.isEmpty }), "\(style)")
            let nested = read["nested"] as? [Any] ?? []
            #expect(((nested.first as? [String: Any])?["a"] as? [Any])?.count == 2 && (nested.last as? [Any])?.isEmpty == true, "\(style)")
        }
        // The plain style writes safe text bare and keeps comments.
        var plain = YAMLValue.map([YAMLEntry]())
        plain.set(["zowe", "job", "prefix"], .string("ZWE1"), comment: "the job prefix")
        plain.set(["zowe", "launcher", "restartIntervals"], .list([.int(1), .int(5)]))
        plain.set(["zowe", "job", "name"], .string("ZWE1SV"))
        #expect(YAMLWriter.document(plain, style: .plain) == "zowe:\n  job:\n    # the job prefix\n    prefix: ZWE1\n    name: ZWE1SV\n  launcher:\n    restartIntervals: [1, 5]\n")
    }
}

/// A datagram socket standing in for systemd's notification socket: a path, or an abstract
/// name written with a leading `@` as NOTIFY_SOCKET writes it.
final class NotifySocket {
    let name: String
    private let fd: Int32

    init(path: String) throws {
        name = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw TestFailure("socket name too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if !abstract { raw[bytes.count] = 0 }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            throw TestFailure("bind \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(fd)
        if name.hasPrefix("/") { unlink(name) }
    }

    /// The next datagram, or nil when none comes in time. Looks every 5 ms without holding
    /// a thread of the few that the concurrent tests share.
    func receive(timeoutMilliseconds: Int) async -> String? {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count >= 0 { return String(decoding: buffer[0..<count], as: UTF8.self) }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
