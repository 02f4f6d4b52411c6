import Foundation
import Testing
import ZweConfiguration
import ZweMessages
import ZweTestSupport

/// ha-instances.yaml: its reader, and what the launch plan of each HA instance makes of it.
@Suite("HA instances (ha-instances.yaml)")
struct HAInstancesTests {
    static let file = """
        haInstances:
          sysa:
            hostname: sysa.example.com
            ipAddress: 10.1.1.1
            bindAddress: 10.1.1.1
          sysb:
            hostname: sysb.example.com
            bindAddress: 10.1.1.2
            components:
              api-catalog: { enabled: false }
              gateway:
                port: 17554
            env:
              ZWE_LOG_LEVEL_ZWELS: DEBUG

        """

    @Test("Reads hosts, addresses, components and env values with their lines")
    func reads() throws {
        let parsed = try HAInstances.parse(Self.file, path: "ha.yaml")
        #expect(parsed.instances.map(\.id) == ["sysa", "sysb"])
        let b = try #require(parsed.instance("sysb"))
        #expect(b.hostname == "sysb.example.com")
        #expect(b.ipAddress == nil)
        #expect(b.bindAddress == "10.1.1.2")
        #expect(b.component("api-catalog")?.enabled == false)
        #expect(b.component("gateway")?.port == 17554)
        #expect(b.component("gateway")?.enabled == nil)
        #expect(b.environment.map { "\($0.key)=\($0.value)@\($0.line)" } == ["ZWE_LOG_LEVEL_ZWELS=DEBUG@14"])
        #expect(b.lines["bindAddress"] == 8)
    }

    @Test("Each mistake is ZWEL2150E at its line and column", arguments: [
        ("", "ha.yaml:1:1", "haInstances"),
        ("other: 1\n", "ha.yaml:1:8", "unknown key 'other'"),
        ("haInstances:\n  sys-a:\n    hostname: a\n", "ha.yaml:3:5", "letters, digits"),
        ("haInstances:\n  a:\n    hostname: a b\n", "ha.yaml:3:15", "host name or address"),
        ("haInstances:\n  a:\n    bindAddress: sysa\n", "ha.yaml:3:18", "not an IPv4 or IPv6 address"),
        ("haInstances:\n  a:\n    components:\n      gateway: { port: 70000 }\n", "ha.yaml:4:24", "port number"),
        ("haInstances:\n  a:\n    components:\n      gateway: { enabled: yes }\n", "ha.yaml:4:27", "true or false"),
        ("haInstances:\n  a:\n    components:\n      gateway: { weight: 2 }\n", "ha.yaml:4:26", "unknown key 'weight'"),
        ("haInstances:\n  a:\n    env:\n      1X: y\n", "ha.yaml:4:11", "not a variable name"),
        ("haInstances:\n  a:\n    sysname: A\n", "ha.yaml:3:14", "unknown key 'sysname'"),
        ("haInstances: []\n", "ha.yaml:1:14", "must be a mapping"),
    ])
    func mistakes(text: String, location: String, words: String) {
        #expect {
            _ = try HAInstances.parse(text, path: "ha.yaml")
        } throws: { error in
            guard let diagnostic = error as? Diagnostic else { return false }
            return diagnostic.id == "ZWEL2150E" && diagnostic.location == location && diagnostic.message.contains(words)
        }
    }

    /// An instance directory on the runtime stub with the file above.
    static func instance(_ scratch: ZweTestSupport.TemporaryDirectory, haFile: String = file) throws -> String {
        let directory = scratch.path + "/instance"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let env = """
            ROOT_DIR=\(Harness.runtime)
            KEYSTORE_DIRECTORY=\(scratch.path)/keystore
            ZOWE_EXPLORER_HOST=localhost
            ZWE_LAUNCH_COMPONENTS=discovery,gateway,api-catalog
            DISCOVERY_PORT=7553
            GATEWAY_PORT=7554
            CATALOG_PORT=7552
            ZWE_DISCOVERY_SERVICES_LIST=https://localhost:7553/eureka/

            """
        try env.write(toFile: directory + "/instance.env", atomically: true, encoding: .utf8)
        try haFile.write(toFile: directory + "/ha-instances.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test("The plan of an HA instance: its host, bind address, components, ports, discovery list and runtime folders")
    func plan() throws {
        let scratch = ZweTestSupport.TemporaryDirectory()
        let directory = try Self.instance(scratch)
        let result = LaunchPlanner.plan(instanceDirectory: directory, haInstance: "sysb", environment: [:], programRuntime: nil)
        let plan = try #require(result.plan, "\(result.findings)")
        #expect(plan.bindAddress == "10.1.1.2")
        #expect(plan.loopbackAddress == "10.1.1.2", "health checks go to the address the components listen on")
        #expect(plan.components.map(\.id) == ["discovery", "gateway"])
        let gateway = try #require(plan.components.first { $0.id == "gateway" })
        #expect(gateway.port == 17554)
        #expect(gateway.environment["ZWE_EXTERNAL_PORT"] == "17554")
        #expect(gateway.environment["ZOWE_EXPLORER_HOST"] == "sysb.example.com")
        #expect(gateway.environment["ZWE_LOG_LEVEL_ZWELS"] == "DEBUG")
        #expect(gateway.environment["ZWELS_HA_INSTANCE_ID"] == "sysb")
        // This host's discovery first, then the others', each on its own host name.
        #expect(gateway.environment["ZWE_DISCOVERY_SERVICES_LIST"] == "https://sysb.example.com:7553/eureka/,https://sysa.example.com:7553/eureka/")
        #expect(plan.workspaceDirectory == directory + "/workspace/ha/sysb")
        #expect(plan.logDirectory == directory + "/logs/ha/sysb")
        #expect(gateway.environment["WORKSPACE_DIR"] == directory + "/workspace/ha/sysb")
        #expect(plan.instanceLocations["ZWE_BIND_ADDRESS"] == directory + "/ha-instances.yaml:8")
        #expect(plan.instanceLocations["GATEWAY_PORT"] == directory + "/ha-instances.yaml:12")
        #expect(result.findings.contains { $0.id == "ZWEL2152I" && $0.message.contains("sysb") })

        let a = try #require(LaunchPlanner.plan(instanceDirectory: directory, haInstance: "sysa", environment: [:], programRuntime: nil).plan)
        #expect(a.components.map(\.id) == ["discovery", "gateway", "api-catalog"])
        #expect(a.components[1].port == 7554)
        #expect(a.components[1].environment["ZOWE_IP_ADDRESS"] == "10.1.1.1")
        #expect(a.components[1].environment["ZWE_DISCOVERY_SERVICES_LIST"] == "https://sysa.example.com:7553/eureka/,https://sysb.example.com:7553/eureka/")
    }

    @Test("An HA instance the file does not define is ZWEL2151E, naming those it defines; a broken file stops the plan")
    func unknownOrBroken() throws {
        let scratch = ZweTestSupport.TemporaryDirectory()
        let directory = try Self.instance(scratch)
        let unknown = LaunchPlanner.plan(instanceDirectory: directory, haInstance: "sysc", environment: [:], programRuntime: nil)
        #expect(unknown.plan == nil)
        #expect(unknown.findings.map(\.id) == ["ZWEL2151E"])
        #expect(unknown.findings.first?.message.contains("sysa, sysb") == true)

        try "haInstances:\n  sysa:\n    bindAddress: here\n".write(toFile: directory + "/ha-instances.yaml", atomically: true, encoding: .utf8)
        let broken = LaunchPlanner.plan(instanceDirectory: directory, haInstance: "sysa", environment: [:], programRuntime: nil)
        #expect(broken.plan == nil)
        #expect(broken.findings.map(\.id) == ["ZWEL2150E"])
        #expect(broken.findings.first?.location == directory + "/ha-instances.yaml:3:18")
    }

    @Test("An entry that names ZWE_DISCOVERY_SERVICES_LIST keeps it; without the file nothing changes")
    func explicitListAndNoFile() throws {
        let scratch = ZweTestSupport.TemporaryDirectory()
        let directory = try Self.instance(scratch, haFile: """
            haInstances:
              sysa:
                hostname: sysa.example.com
                env:
                  ZWE_DISCOVERY_SERVICES_LIST: https://dvipa.example.com:7553/eureka/

            """)
        let plan = try #require(LaunchPlanner.plan(instanceDirectory: directory, haInstance: "sysa", environment: [:], programRuntime: nil).plan)
        #expect(plan.components[0].environment["ZWE_DISCOVERY_SERVICES_LIST"] == "https://dvipa.example.com:7553/eureka/")

        try FileManager.default.removeItem(atPath: directory + "/ha-instances.yaml")
        let single = try #require(LaunchPlanner.plan(instanceDirectory: directory, haInstance: "sysa", environment: [:], programRuntime: nil).plan)
        #expect(single.workspaceDirectory == directory + "/workspace")
        #expect(single.bindAddress == "127.0.0.1")
        #expect(single.components[0].environment["ZWE_DISCOVERY_SERVICES_LIST"] == "https://localhost:7553/eureka/")
    }
}
