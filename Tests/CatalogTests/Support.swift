import Foundation
import Synchronization
import Testing
import ZweCertificates
import ZweConfiguration

/// The built programs under test.
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

/// A keystore directory written by the product's own certificate setup (`zwe init certificate`'s
/// code), made once per key algorithm for the whole run and removed when the process exits.
struct Keystore: Sendable {
    let root: String
    let environment: [String: String]
    let caCertificate: String
    /// The Zowe certificate and its key as PEM files, for curl's --cert/--key.
    var certificate: String { root + "/localhost/localhost.keystore.cer" }
    var key: String { root + "/localhost/localhost.keystore.key" }

    static func make(_ algorithm: String = "RSA-2048") async throws -> Keystore {
        try await Cache.shared.keystore(algorithm)
    }

    fileprivate static func create(_ algorithm: String) async throws -> Keystore {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("CatalogTests-\(algorithm)-\(UUID().uuidString)").path
        let file = try EnvFile.parse("""
            KEYSTORE_DIRECTORY=\(root)
            KEY_ALGORITHM=\(algorithm)
            KEYSTORE_PASSWORD='s3cret pass'
            ZOWE_USER_ID=\(NSUserName())
            ZOWE_GROUP_ID=\(Self.groupName())
            """, path: "setup.env", environment: [:])
        let settings = try SetupSettings.resolve(defaults: nil, file: file, overrides: .init(), workingDirectory: "/")
        TemporaryPaths.add(root)
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

/// Folders made by the tests, removed when the test process exits (Swift Testing has no
/// end-of-run hook).
enum TemporaryPaths {
    static let paths = Mutex<[String]>([])

    static func add(_ path: String) {
        paths.withLock { all in
            if all.isEmpty {
                atexit {
                    for path in TemporaryPaths.paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
                }
            }
            all.append(path)
        }
    }

    static func makeDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        add(path)
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
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)").path
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
            try? await Task.sleep(for: .milliseconds(10))
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

/// Runs a client tool (curl, openssl, chromium) to its end, with empty input and output into files.
func runTool(_ tool: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> ToolResult {
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
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
    process.standardError = FileHandle(forWritingAtPath: base + ".err")
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("\(tool) did not finish within \(timeout)")
        }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return ToolResult(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}

/// `curl` over HTTPS trusting only the instance's CA; the body and the status code.
func curl(_ url: String, ca: String, extra: [String] = []) async throws -> (status: Int, body: String, result: ToolResult) {
    let result = try await runTool("curl", ["--silent", "--show-error", "--max-time", "5", "--cacert", ca,
                                            "--write-out", "\n%{http_code}"] + extra + [url])
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let status = Int(lines.last ?? "") ?? 0
    return (status, lines.dropLast().joined(separator: "\n"), result)
}

/// The environment a component gets from the launcher, reduced to what it reads.
func componentEnvironment(_ keystore: Keystore, _ extra: [String: String]) -> [String: String] {
    var environment = keystore.environment
    environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    environment["SWIFT_BACKTRACE"] = "enable=no"
    environment.merge(extra) { _, new in new }
    return environment
}

/// Polls `check` until it returns a value or the time runs out.
func eventually<T>(timeout: Duration = .seconds(10), every: Duration = .milliseconds(100),
                   _ check: () async throws -> T?) async rethrows -> T? {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await check() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try? await Task.sleep(for: every)
    }
}

/// JSON text as Foundation objects, for looking into answers.
func jsonObject(_ text: String) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(text.utf8))
}
