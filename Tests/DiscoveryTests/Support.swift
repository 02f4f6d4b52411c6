import Foundation
import Synchronization
import Testing
import ZweCertificates
import ZweConfiguration

// The discovery tests start the built `zwe-component discovery` as the launcher does and talk
// to it with real clients (curl, Python's http.client + ssl). Adapted from the helpers of
// ComponentRuntimeTests, which another test target cannot import.

enum Programs {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `ZWE_BIN_DIR` when set (a build with another scratch path), else the default debug build.
    static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["ZWE_BIN_DIR"], !dir.isEmpty { return dir }
        return packageRoot + "/.build/debug"
    }()

    static var component: String { binDirectory + "/zwe-component" }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A keystore directory written by our own certificate setup, one per key algorithm per run.
struct Keystore: Sendable {
    let root: String
    let environment: [String: String]
    let caCertificate: String
    /// The Zowe certificate and key as PEM files, for `curl --cert/--key`.
    var certificate: String { root + "/localhost/localhost.keystore.cer" }
    var privateKey: String { root + "/localhost/localhost.keystore.key" }

    static func make(_ algorithm: String = "EC-P256") async throws -> Keystore {
        try await Cache.shared.keystore(algorithm)
    }

    fileprivate static func create(_ algorithm: String) async throws -> Keystore {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("DiscoveryTests-\(algorithm)-\(UUID().uuidString)").path
        let file = try EnvFile.parse("""
            KEYSTORE_DIRECTORY=\(root)
            KEY_ALGORITHM=\(algorithm)
            KEYSTORE_PASSWORD='s3cret pass'
            ZOWE_USER_ID=\(NSUserName())
            ZOWE_GROUP_ID=\(groupName())
            """, path: "setup.env", environment: [:])
        let settings = try SetupSettings.resolve(defaults: nil, file: file, overrides: .init(), workingDirectory: "/")
        TemporaryPaths.remember(root)
        let result = try await KeystoreSetup(settings: settings).run()
        let env = try EnvFile.load(path: result.layout.environmentFile, environment: [:])
        var environment: [String: String] = [:]
        for key in ["KEYSTORE", "KEYSTORE_PASSWORD", "KEYSTORE_TYPE", "KEY_ALIAS", "TRUSTSTORE"] {
            environment[key] = env[key]
        }
        environment["VERIFY_CERTIFICATES"] = env["ZOWE_APIM_VERIFY_CERTIFICATES"]
        environment["NONSTRICT_VERIFY_CERTIFICATES"] = env["ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES"]
        return Keystore(root: root, environment: environment, caCertificate: result.layout.localCACertificate)
    }

    private static func groupName() -> String {
        guard let group = getgrgid(getegid()) else { return "root" }
        return String(cString: group.pointee.gr_name)
    }

    private actor Cache {
        static let shared = Cache()
        var made: [String: Task<Keystore, any Error>] = [:]

        func keystore(_ algorithm: String) async throws -> Keystore {
            if let task = made[algorithm] { return try await task.value }
            let task = Task { try await Keystore.create(algorithm) }
            made[algorithm] = task
            return try await task.value
        }
    }
}

/// Files and folders made by the tests, removed when the test process exits (Swift Testing
/// has no end-of-run hook).
enum TemporaryPaths {
    static let made = Mutex<[String]>([])

    static func remember(_ path: String) {
        made.withLock { paths in
            if paths.isEmpty {
                atexit {
                    for path in TemporaryPaths.made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
                }
            }
            paths.append(path)
        }
    }

    /// A new empty folder.
    static func folder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("DiscoveryTests-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        remember(path)
        return path
    }
}

/// A port nothing listens on right now: bound to port 0, read, released.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A started program whose output goes to files (a pipe nobody reads could fill up).
final class Running: @unchecked Sendable {
    let process: Process
    let stdoutPath: String
    let stderrPath: String

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("discovery-\(UUID().uuidString)").path
        stdoutPath = base + ".out"
        stderrPath = base + ".err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var output: String { "--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }

    /// Waits until stdout holds `text`; false when the program ended or the time ran out.
    func waitFor(_ text: String, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stdout.contains(text) { return true }
            if !process.isRunning { return stdout.contains(text) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// The exit status, or nil if still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return process.terminationStatus
    }

    func signal(_ number: Int32) { if process.isRunning { kill(pid, number) } }

    /// Ends the program if it still runs and removes its output files; for `defer`.
    func stop() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }
}

struct ToolResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs a client tool (curl, openssl, python3) to its end, with empty input and output into files.
func runTool(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)").path
    _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    if let environment { process.environment = environment }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
    process.standardError = FileHandle(forWritingAtPath: base + ".err")
    try process.run()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}

/// The discovery service started for one test, with curl at hand.
final class Discovery: @unchecked Sendable {
    let running: Running
    let port: Int
    let keystore: Keystore
    var base: String { "https://127.0.0.1:\(port)" }

    /// Starts `zwe-component discovery` and waits for its "listening" line.
    init(_ keystore: Keystore, _ extra: [String: String] = [:]) async throws {
        self.keystore = keystore
        port = freePort()
        var environment = keystore.environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["DISCOVERY_PORT"] = "\(port)"
        environment.merge(extra) { _, new in new }
        running = try Running(Programs.component, ["discovery"], environment: environment)
        guard await running.waitFor("discovery listening on https://127.0.0.1:\(port)") else {
            running.stop()
            throw TestFailure("discovery did not start listening on port \(port)\n\(running.output)")
        }
    }

    func stop() { running.stop() }

    struct Answer: CustomStringConvertible {
        let status: Int
        let body: String
        let headers: String
        let result: ToolResult
        var description: String { "HTTP \(status)\n\(headers)\n\(body)\n\(result)" }

        /// The body parsed as JSON.
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
        }
    }

    enum ClientCertificate {
        case zowe
        case none
        case files(certificate: String, key: String)
    }

    /// One request with curl, trusting only the instance CA, by default with the Zowe certificate.
    func curl(_ method: String = "GET", _ path: String, body: String? = nil, contentType: String = "application/json",
              accept: String? = "application/json", certificate: ClientCertificate = .zowe,
              extra: [String] = []) throws -> Answer {
        let headersFile = FileManager.default.temporaryDirectory.appendingPathComponent("headers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: headersFile) }
        var arguments = ["--silent", "--show-error", "--max-time", "10", "--cacert", keystore.caCertificate,
                         "--request", method, "--dump-header", headersFile, "--write-out", "\n%{http_code}"]
        switch certificate {
        case .zowe: arguments += ["--cert", keystore.certificate, "--key", keystore.privateKey]
        case .none: break
        case .files(let certificate, let key): arguments += ["--cert", certificate, "--key", key]
        }
        if let accept { arguments += ["--header", "Accept: \(accept)"] }
        if let body { arguments += ["--header", "Content-Type: \(contentType)", "--data-binary", body] }
        let result = try runTool("curl", arguments + extra + [base + path])
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        let headers = (try? String(contentsOfFile: headersFile, encoding: .utf8)) ?? ""
        return Answer(status: status, body: lines.joined(separator: "\n"), headers: headers, result: result)
    }
}

/// A registration body in Eureka's JSON form.
func instanceJSON(app: String, id: String, host: String = "localhost", status: String = "UP", port: Int = 8545,
                  duration: Int? = nil, metadata: [String: String] = [:]) -> String {
    var lease = ""
    if let duration { lease = #","leaseInfo":{"renewalIntervalInSecs":1,"durationInSecs":\#(duration)}"# }
    let meta = metadata.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
    return """
        {"instance":{"instanceId":"\(id)","hostName":"\(host)","app":"\(app)","ipAddr":"127.0.0.1",\
        "status":"\(status)","port":{"$":\(port),"@enabled":"false"},"securePort":{"$":\(port),"@enabled":"true"},\
        "homePageUrl":"https://\(host):\(port)/","vipAddress":"\(app.lowercased())","secureVipAddress":"\(app.lowercased())",\
        "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$MyDataCenterInfo","name":"MyOwn"}\(lease),\
        "metadata":{\(meta)}}}
        """
}

/// The instances of a `GET /eureka/apps` JSON answer, by instance id.
func instancesByID(_ json: Any) -> [String: [String: Any]] {
    var result: [String: [String: Any]] = [:]
    let applications = (json as? [String: Any])?["applications"] as? [String: Any]
    for application in applications?["application"] as? [[String: Any]] ?? [] {
        for instance in application["instance"] as? [[String: Any]] ?? [] {
            if let id = instance["instanceId"] as? String { result[id] = instance }
        }
    }
    return result
}

/// Polls `condition` until it holds or `timeout` passed.
func eventually(timeout: Duration, every interval: Duration = .milliseconds(100),
                _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try condition()
}
