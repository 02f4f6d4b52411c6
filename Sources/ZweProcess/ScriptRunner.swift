// ZweProcess owns how the product starts programs: posix_spawn with an exact environment,
// a working directory, its own process group, default signal dispositions and an empty signal
// mask (so that a child never inherits what the Swift runtime blocked), output captured or
// redirected. Never Foundation.Process: it passes blocked signals on and leaks descriptors.

import CZweProcess
import Foundation

/// Runs a short script to completion (validate and configure steps), collecting its output.
public enum ScriptRunner {
    public struct Outcome: Sendable {
        /// `exit N` or `signal NAME`.
        public var status: String
        public var exitCode: Int32?
        public var output: String
        public var timedOut: Bool
        public var succeeded: Bool { exitCode == 0 && !timedOut }
    }

    public enum Failure: Error, CustomStringConvertible {
        case spawn(String, Int32)
        public var description: String {
            switch self {
            case .spawn(let path, let code): "cannot start \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Runs `/bin/sh path` (scripts need not be executable to be run this way, as Zowe does).
    public static func run(
        script path: String, arguments: [String] = [], environment: [String: String],
        directory: String, timeoutSeconds: Double = 30
    ) throws -> Outcome {
        try run(program: "/bin/sh", arguments: [path] + arguments, environment: environment, directory: directory, timeoutSeconds: timeoutSeconds)
    }

    /// The path of a program: `name` itself when it holds a slash, else the first executable
    /// `name` in the folders of `PATH`.
    public static func locate(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for folder in (path ?? "/usr/bin:/bin").split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs a program to completion (output and errors collected together, at most 64 KiB).
    public static func run(
        program: String, arguments: [String], environment: [String: String],
        directory: String, timeoutSeconds: Double
    ) throws -> Outcome {
        var pipeEnds: [Int32] = [0, 0]
        guard zwe_pipe_cloexec(&pipeEnds) == 0 else { throw Failure.spawn(program, errno) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        defer { close(readEnd) }

        let pid: pid_t
        do {
            pid = try Spawner.spawn(
                executable: program, arguments: arguments, environment: environment,
                directory: directory, stdin: nil, stdout: writeEnd, stderr: writeEnd, newProcessGroup: true)
        } catch {
            close(writeEnd)
            throw error
        }
        close(writeEnd)

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var timedOut = false
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                timedOut = true
                kill(-pid, SIGKILL)
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 1000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = read(readEnd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if output.count < 65_536 { output += buffer[0..<count] }
        }
        let status = Spawner.wait(pid)
        return Outcome(
            status: status.text, exitCode: status.exitCode,
            output: String(decoding: output, as: UTF8.self), timedOut: timedOut)
    }
}
