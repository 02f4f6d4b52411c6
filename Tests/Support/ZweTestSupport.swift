// ZweTestSupport: what the tests that start the built programs share. It owns where those
// programs are (`Programs`), the keystore our own certificate setup makes for them (`Keystore`,
// `componentEnvironment`), started programs (`ChildProcess`, on the product's posix_spawn code,
// and `Running` with its output in files), client tools run to their end (`runTool`,
// `runProgram`, `curl`), loopback sockets (`freePort`, `canConnect`, `SilentListener`), files
// the tests leave behind (`TemporaryPaths`, `TemporaryDirectory`), the end-to-end fixtures that
// drive `zwe` itself (`Harness`, `InstanceFixture`, `LauncherFixture`, `TopologyFixture`), and
// polling and JSON helpers. What belongs to one component's tests (discovery's Eureka client,
// the catalog's browser) is in that component's test target.
import Foundation
import Synchronization

/// The built programs under test.
public enum Programs {
    /// The package root: this file is Tests/Support/ZweTestSupport.swift.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `ZWE_BIN_DIR` when set (a build with another scratch path), else the default debug build.
    public static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["ZWE_BIN_DIR"], !dir.isEmpty { return dir }
        return packageRoot + "/.build/debug"
    }()

    public static var component: String { binDirectory + "/zwe-component" }
    public static var testComponent: String { binDirectory + "/zwe-test-component" }
}

/// A failure with a message, for `throw` where `#require` does not fit.
public struct TestFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Files and folders made by the tests, removed when the test process exits (Swift Testing
/// has no end-of-run hook).
public enum TemporaryPaths {
    private static let made = Mutex<[String]>([])

    public static func remember(_ path: String) {
        made.withLock { paths in
            if paths.isEmpty {
                atexit {
                    for path in TemporaryPaths.made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
                }
            }
            paths.append(path)
        }
    }

    /// A new empty folder named `<prefix>-<UUID>` in the temporary directory.
    public static func makeDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        remember(path)
        return path
    }
}

/// Polls `check` until it returns a value or the time runs out; a condition that is only true
/// or false returns `true` or nil.
public func eventually<T>(timeout: Duration = .seconds(10), every: Duration = .milliseconds(100),
                          _ check: () async throws -> T?) async rethrows -> T? {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await check() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try? await Task.sleep(for: every)
    }
}

/// JSON text as Foundation objects, for looking into answers.
public func jsonObject(_ text: String) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(text.utf8))
}
