import Foundation
import Testing

/// A keystore directory and an instance directory on free ports, made with the real commands.
public struct InstanceFixture {
    public let scratch: TemporaryDirectory
    public let keystore: String
    public let instance: String
    public let ports: [String: Int]

    public static let portVariables = ["CATALOG_PORT", "DISCOVERY_PORT", "GATEWAY_PORT", "JOBS_API_PORT", "JES_EXPLORER_UI_PORT"]

    public init(_ name: String = #function, setup: [(String, String)] = [], instanceSets: [String: String] = [:]) throws {
        scratch = TemporaryDirectory(name)
        keystore = scratch.path + "/keystore"
        instance = scratch.path + "/instance"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256")] + setup)
        let made = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(made.status == 0, "setup: \(made)")
        var ports: [String: Int] = [:]
        for variable in Self.portVariables { ports[variable] = freePort() }
        self.ports = ports
        var arguments = ["configure-instance", "-c", instance, "--keystore", keystore]
        for (key, value) in ports { arguments += ["--set", "\(key)=\(value)"] }
        for (key, value) in instanceSets { arguments += ["--set", "\(key)=\(value)"] }
        let configured = try Harness.zwe(arguments)
        #expect(configured.status == 0, "configure-instance: \(configured)")
    }

    public func validate(json: Bool = true, environment: [String: String] = [:]) throws -> (status: Int32, report: [String: Any], raw: Harness.Result) {
        let result = try Harness.zwe(["validate", "-c", instance] + (json ? ["--json"] : []), environment: Harness.baseEnvironment(environment))
        let report = json ? ((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]) : [:]
        return (result.status, report, result)
    }

    public var instanceEnv: String { instance + "/instance.env" }

    /// Appends or replaces a line of instance.env (later lines win, as in a shell).
    public func setInstance(_ line: String) throws {
        let text = try String(contentsOfFile: instanceEnv, encoding: .utf8)
        try (text + line + "\n").write(toFile: instanceEnv, atomically: true, encoding: .utf8)
    }

    /// The line number of the last line starting with `prefix` in instance.env.
    public func line(of prefix: String) throws -> Int {
        let lines = try String(contentsOfFile: instanceEnv, encoding: .utf8).components(separatedBy: "\n")
        return (lines.lastIndex { $0.hasPrefix(prefix) } ?? -1) + 1
    }
}

extension Dictionary where Key == String, Value == Any {
    public var findings: [[String: Any]] { self["findings"] as? [[String: Any]] ?? [] }
    public var errorCount: Int { self["errors"] as? Int ?? -1 }
    public func ids(severity: String = "error") -> [String] { findings.filter { $0["severity"] as? String == severity }.compactMap { $0["id"] as? String } }
    public func finding(_ id: String) -> [String: Any]? { findings.first { $0["id"] as? String == id } }
}
