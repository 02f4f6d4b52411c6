import Foundation
import Testing

/// A keystore directory and an instance directory on free ports, made with the real commands.
struct InstanceFixture {
    let scratch: TemporaryDirectory
    let keystore: String
    let instance: String
    let ports: [String: Int]

    static let portVariables = ["CATALOG_PORT", "DISCOVERY_PORT", "GATEWAY_PORT", "JOBS_API_PORT", "JES_EXPLORER_UI_PORT"]

    init(_ name: String = #function, setup: [(String, String)] = [], instanceSets: [String: String] = [:]) throws {
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

    func validate(json: Bool = true, environment: [String: String] = [:]) throws -> (status: Int32, report: [String: Any], raw: Harness.Result) {
        let result = try Harness.zwe(["validate", "-c", instance] + (json ? ["--json"] : []), environment: Harness.baseEnvironment(environment))
        let report = json ? ((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]) : [:]
        return (result.status, report, result)
    }

    var instanceEnv: String { instance + "/instance.env" }

    /// Appends or replaces a line of instance.env (later lines win, as in a shell).
    func setInstance(_ line: String) throws {
        let text = try String(contentsOfFile: instanceEnv, encoding: .utf8)
        try (text + line + "\n").write(toFile: instanceEnv, atomically: true, encoding: .utf8)
    }

    /// The line number of the last line starting with `prefix` in instance.env.
    func line(of prefix: String) throws -> Int {
        let lines = try String(contentsOfFile: instanceEnv, encoding: .utf8).components(separatedBy: "\n")
        return (lines.lastIndex { $0.hasPrefix(prefix) } ?? -1) + 1
    }
}

/// A port nobody listens on right now (the kernel picks it).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

extension Dictionary where Key == String, Value == Any {
    var findings: [[String: Any]] { self["findings"] as? [[String: Any]] ?? [] }
    var errorCount: Int { self["errors"] as? Int ?? -1 }
    func ids(severity: String = "error") -> [String] { findings.filter { $0["severity"] as? String == severity }.compactMap { $0["id"] as? String } }
    func finding(_ id: String) -> [String: Any]? { findings.first { $0["id"] as? String == id } }
}
