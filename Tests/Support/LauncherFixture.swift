import Foundation
import ZweProcess
import Testing

/// A test component definition: the fixture program `zwe-test-component` behind a manifest.
public struct TestComponentSpec {
    public var id: String
    public var jobCode = "TC"
    public var dependsOn: [String] = []
    public var restartIntervals = [0]
    public var minUptime = 60
    public var shutdownTimeout = 5
    public var readyTimeout = 20
    /// Extra lines for the start script (exports of TEST_COMPONENT_* flags, conditions).
    public var script = ""

    public init(id: String, jobCode: String = "TC", dependsOn: [String] = [], restartIntervals: [Int] = [0], minUptime: Int = 60,
                shutdownTimeout: Int = 5, readyTimeout: Int = 20, script: String = "") {
        self.id = id
        self.jobCode = jobCode
        self.dependsOn = dependsOn
        self.restartIntervals = restartIntervals
        self.minUptime = minUptime
        self.shutdownTimeout = shutdownTimeout
        self.readyTimeout = readyTimeout
        self.script = script
    }

    public var portVariable: String { id.uppercased().replacingOccurrences(of: "-", with: "_") + "_PORT" }
}

/// A keystore and an instance whose components are the default ones or test components, on
/// free ports, with its own registry folder; everything it started is ended on `tearDown`.
public final class LauncherFixture {
    public let scratch: TemporaryDirectory
    public let keystore: String
    public var instances: [String] = []
    public let runtimeFolder: String

    public init(_ name: String = #function, setup: [(String, String)] = []) throws {
        scratch = TemporaryDirectory(name)
        keystore = scratch.path + "/keystore"
        runtimeFolder = scratch.path + "/run"
        try FileManager.default.createDirectory(atPath: runtimeFolder, withIntermediateDirectories: true)
        let file = setupFile(in: scratch, name: "setup.env", [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256")] + setup)
        let made = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(made.status == 0, "setup: \(made)")
    }

    public var environment: [String: String] { Harness.baseEnvironment(["XDG_RUNTIME_DIR": runtimeFolder]) }

    /// Writes a test component folder and returns its path.
    public func component(_ spec: TestComponentSpec) throws -> String {
        let folder = scratch.path + "/components/" + spec.id
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        let manifest = """
            id: \(spec.id)
            jobCode: \(spec.jobCode)
            dependsOn: [\(spec.dependsOn.joined(separator: ", "))]
            commands:
              start: bin/start.sh
            healthCheck:
              portVariable: \(spec.portVariable)
              path: /application/health
            launcher:
              restartIntervals: [\(spec.restartIntervals.map(String.init).joined(separator: ", "))]
              minUptime: \(spec.minUptime)
              shutdownTimeout: \(spec.shutdownTimeout)
              readyTimeout: \(spec.readyTimeout)

            """
        try manifest.write(toFile: folder + "/manifest.yaml", atomically: true, encoding: .utf8)
        let start = """
            #!/bin/sh
            export TEST_COMPONENT_PORT_VARIABLE=\(spec.portVariable)
            \(spec.script)
            exec "$ZWE_BIN_DIR/zwe-test-component"

            """
        try start.write(toFile: folder + "/bin/start.sh", atomically: true, encoding: .utf8)
        chmod(folder + "/bin/start.sh", 0o755)
        return folder
    }

    /// Creates an instance. `components` nil: the runtime's default set on free ports;
    /// `external`: test components started beside them (EXTERNAL_COMPONENTS).
    public func instance(_ name: String, components: [TestComponentSpec]? = nil, external: [TestComponentSpec] = [],
                         extra: [String: String] = [:], ports fixed: [String: Int] = [:]) throws -> String {
        let directory = scratch.path + "/" + name
        var sets: [String: String] = extra
        for variable in InstanceFixture.portVariables { sets[variable] = "\(fixed[variable] ?? freePort())" }
        func paths(_ specs: [TestComponentSpec]) throws -> String {
            var paths: [String] = []
            for spec in specs {
                paths.append(try component(spec))
                sets[spec.portVariable] = "\(fixed[spec.portVariable] ?? freePort())"
            }
            return paths.joined(separator: ",")
        }
        if let components { sets["ZWE_LAUNCH_COMPONENTS"] = try paths(components) }
        if !external.isEmpty { sets["EXTERNAL_COMPONENTS"] = try paths(external) }
        var arguments = ["configure-instance", "-c", directory, "--keystore", keystore]
        for (key, value) in sets { arguments += ["--set", "\(key)=\(value)"] }
        let configured = try Harness.zwe(arguments, environment: environment)
        #expect(configured.status == 0, "configure: \(configured)")
        instances.append(directory)
        return directory
    }

    public func zwe(_ arguments: [String], extra: [String: String] = [:]) throws -> Harness.Result {
        try Harness.zwe(arguments, environment: environment.merging(extra) { _, new in new })
    }

    public func status(_ instance: String) throws -> [String: Any] {
        let result = try zwe(["status", "-c", instance, "--json"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
    }

    public func component(_ id: String, of instance: String) throws -> [String: Any]? {
        (try status(instance)["components"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// Waits (up to `seconds`) until the condition on the status holds.
    @discardableResult
    public func wait(_ instance: String, seconds: Double = 10, until condition: ([String: Any]) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(try status(instance)) { return true }
            usleep(50_000)
        }
        return false
    }

    public func launcherLog(_ instance: String) -> String {
        (try? String(contentsOfFile: instance + "/logs/launcher.log", encoding: .utf8)) ?? ""
    }

    /// Live processes (zombies excluded) whose environment names the instance.
    public static func processes(of instance: String) -> [pid_t] { ProcessTable.processes(ofInstance: instance) }

    public static func isAlive(_ pid: pid_t) -> Bool { ProcessTable.isAlive(pid) }

    public static func environ(_ pid: pid_t) -> [String: String] { ProcessTable.environment(of: pid) }

    /// Stops every instance and ends whatever is left, even after a failed test.
    public func tearDown() {
        for instance in instances {
            _ = try? zwe(["stop", "-c", instance, "--timeout", "2"])
            for pid in Self.processes(of: instance) { kill(pid, SIGKILL) }
        }
    }

    deinit { tearDown() }
}

/// A static API definition for discovery (the instance's api-defs folder): one service whose
/// instances are the given ports on localhost, routed at `<service>/api/v1` to their root.
public func writeStaticService(_ service: String, ports: [Int], instance: String) throws {
    let folder = instance + "/workspace/api-mediation/api-defs"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let text = """
        services:
          - serviceId: \(service)
            title: \(service)
            description: test service with \(ports.count) instances
            instanceBaseUrls:
        \(ports.map { "      - https://localhost:\($0)/" }.joined(separator: "\n"))
            routes:
              - gatewayUrl: api/v1
                serviceRelativeUrl: /

        """
    try text.write(toFile: folder + "/\(service).yml", atomically: true, encoding: .utf8)
}

/// The port a component of the instance was given (its port variable in instance.env).
public func configuredPort(_ variable: String, instance: String) throws -> Int {
    let text = try String(contentsOfFile: instance + "/instance.env", encoding: .utf8)
    for line in text.split(separator: "\n").reversed() where line.hasPrefix(variable + "=") {
        let value = line.dropFirst(variable.count + 1).replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "\"", with: "")
        if let port = Int(value) { return port }
    }
    throw TestFailure("\(variable) is not in \(instance)/instance.env")
}
