import Foundation

/// A started program whose output goes to files (a pipe nobody reads could fill up).
public final class Running: @unchecked Sendable {
    public let process: ChildProcess
    public let stdoutPath: String
    public let stderrPath: String
    public let started: ContinuousClock.Instant

    public init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("running-\(UUID().uuidString)").path
        stdoutPath = base + ".out"
        stderrPath = base + ".err"
        started = .now
        process = try ChildProcess(executable, arguments, environment: environment, stdout: stdoutPath, stderr: stderrPath)
    }

    public var pid: Int32 { process.pid }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    public var output: String { "--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }

    /// Waits until stdout holds `text`; the time since start, or nil when the program ended or
    /// the time ran out. Polled every 2 ms so that the time is close enough to report start-up.
    public func waitFor(_ text: String, timeout: Duration = .seconds(10)) async -> Duration? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stdout.contains(text) { return ContinuousClock.now - started }
            if !process.isRunning { return stdout.contains(text) ? ContinuousClock.now - started : nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
        // Looked at once more after the deadline: when tests that block their threads keep this
        // task from running, it may wake only after the deadline although the text came in time.
        return stdout.contains(text) ? ContinuousClock.now - started : nil
    }

    /// The exit status, or nil if still running after `timeout`.
    public func waitForExit(timeout: Duration) async -> Int32? {
        guard await process.wait(timeout: timeout) != nil else { return nil }
        return process.terminationStatus
    }

    public func signal(_ number: Int32) { process.signal(number) }

    /// Ends the program if it still runs and removes its output files; for `defer`.
    public func stop() {
        process.signal(SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    /// VmRSS from /proc, in kB.
    public var residentKilobytes: Int? { ZweTestSupport.residentKilobytes(of: pid) }
}

/// VmRSS of a process from /proc, in kB.
public func residentKilobytes(of pid: pid_t) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
}

/// How a client tool ended and what it wrote.
public struct ToolResult: CustomStringConvertible, Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs a client tool (curl, openssl, python3, chromium) to its end, with empty input and
/// output into files; `environment` nil passes the test process's own. Async, so that a slow
/// tool does not hold one of the few threads the concurrent tests share; killed and thrown
/// as a failure after `timeout`, so that a hung tool fails its test instead of the run.
public func runTool(_ tool: String, _ arguments: [String], environment: [String: String]? = nil,
                    timeout: Duration = .seconds(120)) async throws -> ToolResult {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)").path
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let process = try ChildProcess(tool, arguments, environment: environment, stdout: base + ".out", stderr: base + ".err")
    if await process.wait(timeout: timeout) == nil {
        process.signal(SIGKILL)
        process.waitUntilExit()
        throw TestFailure("\(tool) did not finish within \(timeout)")
    }
    return ToolResult(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}

/// Runs a program to its end on the calling thread, for tests that are not async; output
/// through files, as `runTool`.
public func runProgram(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       directory: String? = nil) throws -> ToolResult {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("program-\(UUID().uuidString)").path
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let process = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                   stdout: base + ".out", stderr: base + ".err")
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}

/// `curl` over HTTPS trusting only the instance's CA; the body and the status code.
public func curl(_ url: String, ca: String, extra: [String] = []) async throws -> (status: Int, body: String, result: ToolResult) {
    let result = try await runTool("curl", ["--silent", "--show-error", "--max-time", "5", "--cacert", ca,
                                            "--write-out", "\n%{http_code}"] + extra + [url])
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let status = Int(lines.last ?? "") ?? 0
    return (status, lines.dropLast().joined(separator: "\n"), result)
}
