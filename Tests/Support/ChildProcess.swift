import CZweProcess
import Foundation
import Synchronization
import ZweProcess

/// A program a test starts, with posix_spawn (the product's `Spawner`) and a pidfd to wait on.
/// Foundation's Process is not used: its children inherit the signal mask of whichever thread
/// started them, and its exit monitoring is shared by the whole test process. The exit status
/// is reaped under a lock, so that concurrent waits never reap twice and a signal never goes
/// to a pid that has already been reaped (and perhaps reused).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let pidfd: Int32
    private let reaped = Mutex<Spawner.ExitStatus?>(nil)

    /// Starts `executable` (a bare name is looked up in PATH through /usr/bin/env) with exactly
    /// `environment` (nil: this process's own), stdin from /dev/null and output into files.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]?,
                directory: String? = nil, stdout: String, stderr: String) throws {
        let bare = !executable.contains("/")
        let out = open(stdout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let err = open(stderr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer {
            if out >= 0 { close(out) }
            if err >= 0 { close(err) }
        }
        guard out >= 0, err >= 0 else { throw TestFailure("cannot open \(stdout) or \(stderr): errno \(errno)") }
        pid = try Spawner.spawn(
            executable: bare ? "/usr/bin/env" : executable, arguments: bare ? [executable] + arguments : arguments,
            environment: environment ?? ProcessInfo.processInfo.environment, directory: directory,
            stdin: nil, stdout: out, stderr: err, newProcessGroup: false)
        pidfd = zwe_pidfd_open(pid)
    }

    deinit {
        if pidfd >= 0 { close(pidfd) }
    }

    /// How it ended, or nil while it runs.
    public var exitStatus: Spawner.ExitStatus? {
        reaped.withLock { state in
            if state == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { state = Spawner.ExitStatus(waitStatus: status) }
            }
            return state
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    /// The exit code, or 128 plus the signal number, as a shell reports it.
    public var terminationStatus: Int32 {
        guard let status = exitStatus else { return -1 }
        return status.exitCode ?? 128 + (status.signal ?? 0)
    }

    /// Sends a signal unless it has ended and been reaped.
    public func signal(_ number: Int32) {
        reaped.withLock { state in
            if state == nil { _ = kill(pid, number) }
        }
    }

    /// Blocks until it ends.
    @discardableResult
    public func waitUntilExit() -> Spawner.ExitStatus {
        while true {
            if let status = exitStatus { return status }
            var ready = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
            if pidfd < 0 || poll(&ready, 1, 100) < 0 { usleep(10_000) }
        }
    }

    /// Waits without holding a thread; nil if it still runs after `timeout`.
    public func wait(timeout: Duration) async -> Spawner.ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
