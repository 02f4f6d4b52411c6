import Foundation
import Testing

/// Runs real programs for the end-to-end tests: the built `zwe`, the runtime's scripts, and
/// the tools users check our files with (openssl, keytool, sh).
public enum Harness {
    public static var packageRoot: String { Programs.packageRoot }
    /// The `zwe` under test: `ZWE_BIN_DIR` if set (scripts/test.sh sets it), else the debug build.
    public static var binDirectory: String { Programs.binDirectory }
    public static var zwe: String { binDirectory + "/zwe" }
    public static var runtime: String { packageRoot + "/runtime-stub" }

    public struct Result: CustomStringConvertible, Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// A small environment: tests never depend on the caller's variables.
    public static func baseEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
            "LANG": "C.UTF-8",
            "ZWE_BIN_DIR": binDirectory,
            "SWIFT_BACKTRACE": "enable=no",
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = baseEnvironment(), directory: String? = nil) throws -> Result {
        try start(executable, arguments, environment: environment, directory: directory).finish()
    }

    public static func zwe(_ arguments: [String], environment: [String: String] = baseEnvironment(), directory: String? = nil) throws -> Result {
        try run(zwe, arguments, environment: environment, directory: directory)
    }

    /// A started process whose output is collected into files (no pipe can fill up).
    public final class Running: Sendable {
        public let process: ChildProcess
        public let outPath: String
        public let errPath: String

        init(process: ChildProcess, outPath: String, errPath: String) {
            self.process = process
            self.outPath = outPath
            self.errPath = errPath
        }

        public var pid: pid_t { process.pid }

        public func signal(_ number: Int32) { process.signal(number) }

        /// SIGTERM, then SIGKILL after 5 s; waits for the exit.
        public func stop() {
            signal(SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            signal(SIGKILL)
            process.waitUntilExit()
        }

        public func finish() -> Result {
            process.waitUntilExit()
            let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            return Result(status: process.terminationStatus, stdout: out, stderr: err)
        }
    }

    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = baseEnvironment(), directory: String? = nil) throws -> Running {
        let stem = NSTemporaryDirectory() + "zwe-test-\(UUID().uuidString)"
        let process = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                       stdout: stem + ".out", stderr: stem + ".err")
        return Running(process: process, outPath: stem + ".out", errPath: stem + ".err")
    }
}

/// Signals a process whose pid came from status output. A missing pid must fail the test, not
/// become kill(-1), which as root signals every process on the machine.
public func signalProcess(_ pid: Any?, _ signal: Int32) throws {
    guard let pid = pid as? Int, pid > 1 else { throw TestFailure("no process to signal: \(String(describing: pid))") }
    kill(pid_t(pid), signal)
}

/// A scratch folder removed at the end of the test.
public final class TemporaryDirectory {
    public let path: String

    public init(_ name: String = #function) {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "zwe-\(clean.prefix(40))-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try! FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// Writes a setup env file (`-p`) from key/value pairs, each value single-quoted as a shell would need.
public func setupFile(in directory: TemporaryDirectory, name: String = "setup.env", _ values: [(String, String)]) -> String {
    let text = values.map { "\($0.0)=\(shellQuote($0.1))" }.joined(separator: "\n") + "\n"
    return directory.write(name, text)
}

public func shellQuote(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Every file of the layout that a default setup (alias `localhost`) writes.
public func layoutFiles(alias: String = "localhost") -> [String] {
    [
        "zowe-certificates.env",
        "local_ca/localca.cer",
        "local_ca/localca.keystore.p12",
        "\(alias)/\(alias).keystore.p12",
        "\(alias)/\(alias).truststore.p12",
        "\(alias)/\(alias).keystore.cer",
        "\(alias)/\(alias).keystore.cer-ebcdic",
        "\(alias)/\(alias).keystore.key",
        "\(alias)/\(alias).keystore.jwtsecret.pem",
    ]
}

/// A digest of everything under a folder (names, link targets, modes, contents), to prove that
/// a failed command changed nothing.
public func treeFingerprint(_ root: String) -> String {
    var lines: [String] = []
    let manager = FileManager.default
    func walk(_ path: String, _ relative: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            lines.append("L \(relative) -> \((try? manager.destinationOfSymbolicLink(atPath: path)) ?? "?")")
        case S_IFDIR:
            lines.append("D \(relative) \(String(info.st_mode & 0o7777, radix: 8))")
            for name in ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted() {
                walk(path + "/" + name, relative + "/" + name)
            }
        default:
            let data = manager.contents(atPath: path) ?? Data()
            lines.append("F \(relative) \(String(info.st_mode & 0o7777, radix: 8)) \(data.count) \(fnv1a(data))")
        }
    }
    walk(root, "")
    return lines.joined(separator: "\n")
}

public func mode(_ path: String) -> mode_t {
    var info = stat()
    #expect(stat(path, &info) == 0, "stat \(path)")
    return info.st_mode & 0o7777
}

/// FNV-1a over every byte: a content digest without a crypto dependency.
public func fnv1a(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
}
