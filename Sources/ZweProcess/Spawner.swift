import CZweProcess
import Foundation

/// posix_spawn with everything a child of ours must get: exactly the environment given, a
/// working directory, a clean signal mask and default dispositions, optionally its own
/// process group, and only the descriptors named here (everything of ours is close-on-exec).
public enum Spawner {
    public struct ExitStatus: Sendable, Equatable {
        public var exitCode: Int32?
        public var signal: Int32?

        public init(exitCode: Int32?, signal: Int32?) {
            self.exitCode = exitCode
            self.signal = signal
        }

        /// From the status waitpid(2) filled in.
        public init(waitStatus status: Int32) {
            let low = status & 0x7F
            if low == 0 {
                self.init(exitCode: (status >> 8) & 0xFF, signal: nil)
            } else {
                self.init(exitCode: nil, signal: low)
            }
        }

        /// `exit N` or `signal NAME`, as status output shows it.
        public var text: String {
            if let exitCode { return "exit \(exitCode)" }
            if let signal { return "signal \(Self.name(of: signal))" }
            return "unknown"
        }

        public static func name(of signal: Int32) -> String {
            let names: [Int32: String] = [
                SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
                SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM",
                SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2", SIGBUS: "SIGBUS", SIGTRAP: "SIGTRAP",
            ]
            return names[signal] ?? "SIG\(signal)"
        }
    }

    /// Starts a program. `stdin` nil means /dev/null.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String?,
        stdin: Int32?, stdout: Int32, stderr: Int32, newProcessGroup: Bool,
        newSession: Bool = false, passing descriptor: (from: Int32, to: Int32)? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        if let descriptor { posix_spawn_file_actions_adddup2(&actions, descriptor.from, descriptor.to) }
        // Descriptors a caller leaked without close-on-exec (Foundation.Process in a parent
        // does) must not reach the child: a detached launcher would keep them open for good.
        zwe_spawn_file_actions_addclosefrom(&actions, (descriptor?.to ?? 2) + 1)
        if let directory { zwe_spawn_file_actions_addchdir(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession {
            flags |= 0x80  // POSIX_SPAWN_SETSID (glibc 2.26+), not exported to Swift
        } else if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ScriptRunner.Failure.spawn(executable, result) }
        return pid
    }

    /// Waits for one child of ours (never any other: no waitpid(-1)).
    public static func wait(_ pid: pid_t) -> ExitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return ExitStatus(exitCode: nil, signal: nil) }
        }
        return ExitStatus(waitStatus: status)
    }
}
