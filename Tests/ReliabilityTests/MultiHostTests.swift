import Foundation
import Testing
import ZweProcess
import ZweTestSupport

/// Test hosts made of Linux network namespaces: a switch namespace with a bridge, and one
/// namespace per host joined to it by a veth pair, each with an address of a private subnet
/// that exists only inside these namespaces. Cutting a host's link takes its switch port down.
final class TestNetwork {
    let tag: String
    let subnet: String
    let hosts: [String]
    private(set) var created: [String] = []

    var switchSpace: String { "zh\(tag)sw" }
    func space(_ host: String) -> String { "zh\(tag)\(host)" }
    func address(_ host: String) -> String { "\(subnet).\(hosts.firstIndex(of: host)! + 1)" }
    private func switchPort(_ host: String) -> String { "zh\(tag)\(host)-s" }

    init(hosts: [String]) throws {
        let pid = Int(getpid())
        tag = String(pid % 10_000)
        subnet = "10.231.\(20 + pid % 200)"
        self.hosts = hosts
        try ip(["netns", "add", switchSpace])
        created.append(switchSpace)
        try ip(["-n", switchSpace, "link", "add", "br0", "type", "bridge"])
        try ip(["-n", switchSpace, "link", "set", "br0", "up"])
        for host in hosts {
            let space = space(host)
            try ip(["netns", "add", space])
            created.append(space)
            let inside = "zh\(tag)\(host)-h"
            try ip(["link", "add", inside, "type", "veth", "peer", "name", switchPort(host)])
            try ip(["link", "set", inside, "netns", space])
            try ip(["link", "set", switchPort(host), "netns", switchSpace])
            try ip(["-n", switchSpace, "link", "set", switchPort(host), "master", "br0"])
            try ip(["-n", switchSpace, "link", "set", switchPort(host), "up"])
            try ip(["-n", space, "link", "set", "lo", "up"])
            try ip(["-n", space, "addr", "add", address(host) + "/24", "dev", inside])
            try ip(["-n", space, "link", "set", inside, "up"])
        }
    }

    /// One more address for a host, the `index`th of the subnet above the hosts' own.
    func addAddress(_ host: String, index: Int) throws -> String {
        let address = "\(subnet).\(100 + index)"
        try ip(["-n", space(host), "addr", "add", address + "/24", "dev", "zh\(tag)\(host)-h"])
        return address
    }

    func cut(_ host: String) throws { try ip(["-n", switchSpace, "link", "set", switchPort(host), "down"]) }
    func restore(_ host: String) throws { try ip(["-n", switchSpace, "link", "set", switchPort(host), "up"]) }

    /// A program run inside a host's namespace.
    func run(_ host: String, _ arguments: [String], environment: [String: String] = Harness.baseEnvironment()) throws -> Harness.Result {
        try Harness.run("/usr/sbin/ip", ["netns", "exec", space(host)] + arguments, environment: environment)
    }

    func start(_ host: String, _ arguments: [String], environment: [String: String] = Harness.baseEnvironment()) throws -> Harness.Running {
        try Harness.start("/usr/sbin/ip", ["netns", "exec", space(host)] + arguments, environment: environment)
    }

    /// Deleting the namespaces deletes their veth pairs too.
    func remove() {
        for space in created.reversed() { _ = try? Harness.run("/usr/sbin/ip", ["netns", "delete", space]) }
        created = []
    }

    private func ip(_ arguments: [String]) throws {
        let result = try Harness.run("/usr/sbin/ip", arguments)
        if result.status != 0 { throw TestFailure("ip \(arguments.joined(separator: " ")): \(result)") }
    }
}

/// One instance directory on three hosts (ha-instances.yaml), one keystore directory, each
/// host with its own XDG_RUNTIME_DIR and bind address: discovery replication and gateway
/// failover across hosts, a host cut off and brought back.
@Suite("Multi-host: replication and failover across network namespaces", .serialized)
struct MultiHostTests {
    static let renewSeconds = 1
    static let leaseSeconds = 4
    static let evictionSeconds = 1
    static let connectTimeoutMillis = 1000

    struct Answer {
        let code: Int
        let body: String
        let seconds: Double
    }

    @Test("A service registered on host A is called through host B's gateway; host A cut off and restored")
    func replicationAndFailover() throws {
        try #require(getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"),
                     "network namespaces need root and iproute2 (scripts/install-deps.sh installs it)")
        let hosts = ["a", "b", "c"]
        let network = try TestNetwork(hosts: hosts)
        defer { network.remove() }
        let fixture = try LauncherFixture(setup: [
            ("HOSTNAME", "localhost"), ("IPADDRESS", hosts.map(network.address).joined(separator: ",")),
        ])
        let keystore = fixture.keystore
        let ca = keystore + "/local_ca/localca.cer"
        let certificate = keystore + "/localhost/localhost.keystore.cer"
        let key = keystore + "/localhost/localhost.keystore.key"
        let discoveryPort = freePort(), gatewayPort = freePort(), catalogPort = freePort(), servicePort = freePort()
        let instance = try fixture.instance("shared", extra: [
            "ZWE_LAUNCH_COMPONENTS": "discovery,gateway,api-catalog",
            "ZWE_EUREKA_RENEW_SECONDS": "\(Self.renewSeconds)",
            "ZWE_EUREKA_LEASE_SECONDS": "\(Self.leaseSeconds)",
            "ZWE_DISCOVERY_LEASE_DURATION_SECONDS": "\(Self.leaseSeconds)",
            "ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS": "\(Self.evictionSeconds)",
            "ZWE_GATEWAY_CONNECT_TIMEOUT_MILLIS": "\(Self.connectTimeoutMillis)",
            "ZWE_GATEWAY_REGISTRY_REFRESH_SECONDS": "0.5",
            "APIML_GATEWAY_TIMEOUT_MILLIS": "10000",
        ], ports: ["DISCOVERY_PORT": discoveryPort, "GATEWAY_PORT": gatewayPort, "CATALOG_PORT": catalogPort])
        var haFile = "haInstances:\n"
        for host in hosts {
            let address = network.address(host)
            haFile += "  host\(host):\n    hostname: \(address)\n    ipAddress: \(address)\n    bindAddress: \(address)\n"
            if host == "b" { haFile += "    components:\n      api-catalog: { enabled: false }\n" }
        }
        try haFile.write(toFile: instance + "/ha-instances.yaml", atomically: true, encoding: .utf8)

        func environment(_ host: String) throws -> [String: String] {
            let runtime = fixture.scratch.path + "/run-\(host)"
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
            return fixture.environment.merging(["XDG_RUNTIME_DIR": runtime]) { _, new in new }
        }
        var helpers: [Harness.Running] = []
        defer {
            for helper in helpers { helper.signal(SIGKILL); _ = helper.finish() }
            for host in hosts {
                _ = try? network.run(host, [Harness.zwe, "stop", "-c", instance, "--ha-instance", "host\(host)", "--timeout", "2"],
                                     environment: (try? environment(host)) ?? fixture.environment)
            }
            fixture.tearDown()
        }

        // Every host starts the shared instance as its own HA instance.
        for host in hosts {
            let started = try network.run(host, [Harness.zwe, "start", "-c", instance, "--ha-instance", "host\(host)"], environment: try environment(host))
            #expect(started.status == 0, "start on host \(host): \(started)")
            try #require(started.status == 0)
        }
        #expect(FileManager.default.fileExists(atPath: instance + "/logs/ha/hosta/launcher.log"))
        let statusB = try network.run("b", [Harness.zwe, "status", "-c", instance, "--ha-instance", "hostb", "--json"], environment: try environment("b"))
        #expect(statusB.stdout.contains("\"gateway\"") && !statusB.stdout.contains("\"api-catalog\""), "host b runs no catalog: \(statusB.stdout)")

        func curl(_ host: String, _ url: String, clientCertificate: Bool = false, extra: [String] = []) -> Answer {
            var arguments = ["curl", "-s", "--max-time", "5", "--cacert", ca, "-o", "-", "-w", "\n%{http_code} %{time_total}"]
            if clientCertificate { arguments += ["--cert", certificate, "--key", key] }
            guard let result = try? network.run(host, arguments + extra + [url]) else { return Answer(code: 0, body: "", seconds: 0) }
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let last = lines.last.map(String.init) ?? ""
            let parts = last.split(separator: " ")
            return Answer(code: parts.first.flatMap { Int($0) } ?? 0, body: lines.dropLast().joined(separator: "\n"),
                          seconds: parts.count > 1 ? Double(parts[1]) ?? 0 : 0)
        }
        func registry(_ host: String) -> Set<String>? {
            let answer = curl(host, "https://\(network.address(host)):\(discoveryPort)/eureka/apps", clientCertificate: true,
                              extra: ["-H", "Accept: application/json"])
            guard answer.code == 200, let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                  let applications = (object["applications"] as? [String: Any])?["application"] as? [[String: Any]] else { return nil }
            var ids: Set<String> = []
            for application in applications {
                for instance in application["instance"] as? [[String: Any]] ?? [] {
                    if let id = instance["instanceId"] as? String, !id.hasPrefix("STATIC-") { ids.insert(id) }
                }
            }
            return ids
        }
        func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Double? {
            let began = Date()
            while Date().timeIntervalSince(began) < seconds {
                if condition() { return Date().timeIntervalSince(began) }
                usleep(100_000)
            }
            return nil
        }

        // The service "haprobe": an instance on host A registered with A's discovery only, and
        // one on host C registered with C's only, each renewed by a loop on its own host.
        for host in ["a", "c"] {
            let address = network.address(host)
            helpers.append(try network.start(host, ["python3", Harness.packageRoot + "/Tests/Fixtures/test-service.py",
                                                    "--name", "on-\(host)", "--host", address, "--port", "\(servicePort)",
                                                    "--cert", certificate, "--key", key]))
            let id = "\(address):haprobe:\(servicePort)"
            let body = """
                {"instance":{"instanceId":"\(id)","app":"HAPROBE","hostName":"\(address)","ipAddr":"\(address)","status":"UP",\
                "securePort":{"$":\(servicePort),"@enabled":"true"},"port":{"$":\(servicePort),"@enabled":"false"},"vipAddress":"haprobe",\
                "homePageUrl":"https://\(address):\(servicePort)/","leaseInfo":{"renewalIntervalInSecs":\(Self.renewSeconds),"durationInSecs":\(Self.leaseSeconds)},\
                "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},\
                "metadata":{"apiml.service.title":"HA probe","apiml.routes.api_v1.gatewayUrl":"api/v1","apiml.routes.api_v1.serviceUrl":"/"}}}
                """
            let bodyFile = fixture.scratch.write("haprobe-\(host).json", body)
            let base = "https://\(address):\(discoveryPort)/eureka/apps/HAPROBE"
            let tls = "--cacert \(ca) --cert \(certificate) --key \(key)"
            let loop = """
                while :; do
                  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \(tls) -X PUT '\(base)/\(id.replacingOccurrences(of: ":", with: "%3A"))?status=UP')
                  if [ "$code" != 200 ]; then
                    curl -s -o /dev/null --max-time 2 \(tls) -H 'Content-Type: application/json' -X POST '\(base)' --data-binary @\(bodyFile)
                  fi
                  sleep \(Self.renewSeconds)
                done
                """
            helpers.append(try network.start(host, ["sh", "-c", loop]))
        }
        let idA = "\(network.address("a")):haprobe:\(servicePort)"
        let idC = "\(network.address("c")):haprobe:\(servicePort)"

        // Replication: B learns A's instance, which was registered with A alone.
        let replicated = waitFor(15) { registry("b")?.isSuperset(of: [idA, idC]) == true }
        #expect(replicated != nil, "B's registry never held both haprobe instances: \(registry("b") ?? [])")
        try #require(replicated != nil)

        // Through B's gateway, both instances answer.
        let gatewayB = "https://\(network.address("b")):\(gatewayPort)/haprobe/api/v1/ping"
        var seen: Set<String> = []
        let routed = waitFor(15) {
            let answer = curl("b", gatewayB)
            if answer.code == 200, answer.body.contains("\"on-a\"") { seen.insert("a") }
            if answer.code == 200, answer.body.contains("\"on-c\"") { seen.insert("c") }
            return seen == ["a", "c"]
        }
        #expect(routed != nil, "through B's gateway, answers came from \(seen.sorted())")
        try #require(routed != nil)
        // B's gateway counts the three gateways that discovery knows.
        let counted = waitFor(10) {
            curl("b", "https://\(network.address("b")):\(gatewayPort)/application/health").body.contains("\"gatewayCount\":3")
        }
        #expect(counted != nil, "B's health never showed gatewayCount 3")

        // A host cut off: requests through B go on; the survivors forget the host's instances
        // within the lease. Then the host is back: every registry holds the same instances
        // again, and B routes to it again. Quick: host A once; full: A, then C, then A again.
        func cycle(_ cut: String) throws -> String {
            let survivors = hosts.filter { $0 != cut }
            let prefix = network.address(cut) + ":"
            let probeID = "\(network.address(cut)):haprobe:\(servicePort)"
            let registered = (registry("b") ?? []).filter { $0.hasPrefix(prefix) }
            #expect(registered.count >= 2, "host \(cut)'s instances are registered at B: \(registered.sorted())")
            try network.cut(cut)
            let cutAt = Date()
            var answers: [(at: Double, answer: Answer)] = []
            var survivorsClean: Double?
            while Date().timeIntervalSince(cutAt) < 30 {
                let answer = curl("b", gatewayB)
                answers.append((Date().timeIntervalSince(cutAt), answer))
                if survivorsClean == nil {
                    let sets = survivors.map { registry($0) }
                    if sets.allSatisfy({ $0 != nil && !$0!.isEmpty }), sets.allSatisfy({ $0!.allSatisfy { !$0.hasPrefix(prefix) } }) {
                        survivorsClean = Date().timeIntervalSince(cutAt)
                    }
                }
                if let clean = survivorsClean, Date().timeIntervalSince(cutAt) > clean + 2 { break }
                usleep(100_000)
            }
            let failed = answers.filter { $0.answer.code != 200 }
            let slowest = answers.map(\.answer.seconds).max() ?? 0
            // From when on every request was answered 200 in under half a second.
            let routingRecovery = answers.first { entry in entry.answer.seconds < 0.5
                && answers.allSatisfy { $0.at < entry.at || ($0.answer.code == 200 && $0.answer.seconds < 0.5) } }?.at
            #expect(survivorsClean != nil, "the survivors still list host \(cut)'s instances 30 s after the cut")
            // The lease, the eviction tick after it, a renewal that was on its way, and the time
            // one round of this loop takes (a request and two registry reads).
            let leaseLimit = Double(Self.leaseSeconds + Self.evictionSeconds + Self.renewSeconds + 4)
            #expect((survivorsClean ?? 99) <= leaseLimit, "the survivors took \(survivorsClean ?? -1) s to forget host \(cut) (limit \(leaseLimit) s)")
            #expect(failed.isEmpty, "\(failed.count) of \(answers.count) requests through B failed after the cut, e.g. \(failed.prefix(3).map { "\($0.answer.code) \($0.answer.body.prefix(200))" })")
            #expect(routingRecovery != nil && routingRecovery! <= leaseLimit, "routing through B did not settle after the cut: \(answers.map { ($0.at, $0.answer.code, $0.answer.seconds) })")

            try network.restore(cut)
            var lastSets: [String: Set<String>] = [:]
            let converged = waitFor(30) {
                for host in hosts { lastSets[host] = registry(host) ?? [] }
                return Set(lastSets.values).count == 1 && lastSets["b"]!.contains(probeID)
                    && lastSets["b"]!.filter { $0.hasPrefix(prefix) }.count == registered.count
            }
            #expect(converged != nil, "the registries did not converge within 30 s: \(lastSets.mapValues { $0.sorted() })")
            let routedBack = waitFor(15) {
                let answer = curl("b", gatewayB)
                return answer.code == 200 && answer.body.contains("\"on-\(cut)\"")
            }
            #expect(routedBack != nil, "B's gateway never routed to host \(cut)'s instance again")
            return String(format: "host %@ cut: %d of %d requests through B answered 200 (slowest %.2f s), routing settled at %.1f s, survivors forgot its %d instances at %.1f s (lease %d s, eviction every %d s); restored: registries converged in %.1f s, B routed to it again %.1f s later",
                          cut, answers.count - failed.count, answers.count, slowest, routingRecovery ?? -1, registered.count, survivorsClean ?? -1,
                          Self.leaseSeconds, Self.evictionSeconds, converged ?? -1, routedBack ?? -1)
        }
        var figures = [String(format: "3 hosts, one instance directory and keystore; A's service replicated to B in %.1f s", replicated ?? -1)]
        for host in Reliability.quick ? ["a"] : ["a", "c", "a"] {
            figures.append(try cycle(host))
        }
        let text = figures.joined(separator: "; ")
        Reliability.report("MULTIHOST", text)
    }

    @Test("Two HA instances of one instance directory on one host: separate runtime folders, both in status --all, one stopped alone")
    func twoHAInstancesOnOneHost() throws {
        try #require(getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"),
                     "network namespaces need root and iproute2 (scripts/install-deps.sh installs it)")
        let network = try TestNetwork(hosts: ["h"])
        defer { network.remove() }
        let first = try network.addAddress("h", index: 1), second = try network.addAddress("h", index: 2)
        let fixture = try LauncherFixture(setup: [("HOSTNAME", "localhost"), ("IPADDRESS", "\(first),\(second)")])
        let ports = ["DISCOVERY_PORT": freePort(), "GATEWAY_PORT": freePort(), "CATALOG_PORT": freePort()]
        let instance = try fixture.instance("shared", extra: ["ZWE_LAUNCH_COMPONENTS": "discovery,gateway"], ports: ports)
        try """
            haInstances:
              one: { hostname: \(first), ipAddress: \(first), bindAddress: \(first) }
              two: { hostname: \(second), ipAddress: \(second), bindAddress: \(second) }

            """.write(toFile: instance + "/ha-instances.yaml", atomically: true, encoding: .utf8)
        let environment = fixture.environment
        defer {
            for id in ["one", "two"] {
                _ = try? network.run("h", [Harness.zwe, "stop", "-c", instance, "--ha-instance", id, "--timeout", "2"], environment: environment)
            }
            fixture.tearDown()
        }
        for id in ["one", "two"] {
            let started = try network.run("h", [Harness.zwe, "start", "-c", instance, "--ha-instance", id], environment: environment)
            try #require(started.status == 0, "start \(id): \(started)")
        }
        for id in ["one", "two"] {
            #expect(FileManager.default.fileExists(atPath: instance + "/workspace/ha/\(id)/launcher.pid"))
            #expect(FileManager.default.fileExists(atPath: instance + "/logs/ha/\(id)/gateway.log"))
        }
        let all = try network.run("h", [Harness.zwe, "status", "--all"], environment: environment)
        #expect(all.stdout.contains("(HA instance one)") && all.stdout.contains("(HA instance two)"), "\(all)")
        let ofTwo = try network.run("h", [Harness.zwe, "status", "-c", instance, "--ha-instance", "two", "--json"], environment: environment)
        #expect(ofTwo.stdout.contains("\"haInstance\" : \"two\"") || ofTwo.stdout.contains("\"haInstance\":\"two\""), "\(ofTwo)")

        // Stopping one leaves the other's processes and files alone.
        let stopped = try network.run("h", [Harness.zwe, "stop", "-c", instance, "--ha-instance", "one"], environment: environment)
        #expect(stopped.status == 0, "\(stopped)")
        let processes = LauncherFixture.processes(of: instance)
        #expect(!processes.isEmpty, "stopping HA instance one ended two's components")
        #expect(processes.allSatisfy { ProcessTable.environment(of: $0)["ZWELS_HA_INSTANCE_ID"] == "two" })
        #expect(!FileManager.default.fileExists(atPath: instance + "/workspace/ha/one/launcher.pid"))
        let stillTwo = try network.run("h", [Harness.zwe, "status", "-c", instance, "--ha-instance", "two"], environment: environment)
        #expect(stillTwo.status == 0 && stillTwo.stdout.contains("READY"), "\(stillTwo)")
        let gateway = try network.run("h", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--cacert",
                                            fixture.keystore + "/local_ca/localca.cer", "https://\(second):\(ports["GATEWAY_PORT"]!)/application/health"])
        #expect(gateway.stdout == "200", "\(gateway)")
    }
}
